"""Claims of the notes: placeholder, being implemented."""
