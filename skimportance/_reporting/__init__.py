"""What is shown to people: the importance table, its text and CSV, the built-in demo."""
