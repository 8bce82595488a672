// Models — the pretrained networks.
//
// Job: EfficientNet-Lite0 (real ImageNet weights) and the zoo of other architectures with their real parameter
// counts, the preprocessing that belongs to each model's type, ImageNet labels, classification, fine-tuning
// helpers (freezing, new heads) and BatchNorm folding for inference. It may import Engine, NN, Imaging,
// ImageTensors and CourseAssets: no datasets, no augmentation, no attacks.
