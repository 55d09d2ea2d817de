"""The MkDocs adapter: the plugin, its page workers and speed-ups, and the theme templates it
adds; the only MkDocs user."""
