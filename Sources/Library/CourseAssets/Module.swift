// CourseAssets — where the course's files are.
//
// Job: find what Scripts/setup fetched under Assets/ (weights, photos, datasets) and, when something is missing,
// say which command fetches it. It may import Foundation only.
