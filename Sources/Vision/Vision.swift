// The Vision module; see README.md for what it holds.
