"""One screen per file; the app opens them by key (1 floor, 2 away, 3 visitors, ...)."""
