// Datasets — labelled pictures and what is computed from them.
//
// Job: Fashion-MNIST, CIFAR-10 and image folders, stratified splits, the feature cache for frozen bases, embedding
// maths (cosine similarity, PCA, neighbors), and the downloader with its SHA-256 check and gzip reader. It may
// import Engine, NN, Imaging, Checkpoint (cache files), Models (feature extraction), CourseAssets
// and the zlib shim.
