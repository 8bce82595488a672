// Randomness — one seeded generator.
//
// Job: `SeededGenerator`, the reproducible random-number generator every random choice in the course derives
// from. It imports nothing.
