// Augmentations — random, label-preserving changes of pictures.
//
// Job: augmentations as values (flip, rotation, zoom, crop, brightness, contrast, Cutout, Random Erasing,
// RandAugment, AutoAugment), pipelines of them, MixUp and CutMix on batches, and exact batch shifts for
// test-time augmentation. It may import Engine, Imaging and ImageTensors only.
