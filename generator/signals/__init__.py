"""What the notes say together: windows, findings, themes, flags, similarity and pull-request
review."""
