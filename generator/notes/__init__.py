"""Find, parse and check notes: files, front matter, bodies, the area registry, links and git
history."""
