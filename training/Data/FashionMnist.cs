using System.IO;

namespace Bitsmith.Training.Data;

/// <summary>
/// Fashion-MNIST (Xiao et al., 2017: 60,000 training and 10,000 test images of 28×28, 10 classes)
/// from its IDX files, by default those of Debian's <c>dataset-fashion-mnist</c> package.
/// </summary>
public static class FashionMnist
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public static readonly string[] ClassNames =
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>The training set: <c>train-images-idx3-ubyte.gz</c> and <c>train-labels-idx1-ubyte.gz</c> in <paramref name="directory"/>.</summary>
    public static LabelledImages LoadTrain(string directory = DefaultDirectory) => Load(directory, "train");

    /// <summary>The test set: <c>t10k-images-idx3-ubyte.gz</c> and <c>t10k-labels-idx1-ubyte.gz</c> in <paramref name="directory"/>.</summary>
    public static LabelledImages LoadTest(string directory = DefaultDirectory) => Load(directory, "t10k");

    /// <summary>The images and labels of <c>{prefix}-images-idx3-ubyte[.gz]</c> and <c>{prefix}-labels-idx1-ubyte[.gz]</c>.</summary>
    public static LabelledImages Load(string directory, string prefix)
    {
        string imagesPath = Locate(directory, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Locate(directory, $"{prefix}-labels-idx1-ubyte");
        var (imageShape, pixels) = IdxFile.Read(imagesPath);
        if (imageShape.Length != 3)
            throw new InvalidDataException($"{imagesPath}: images need 3 dimensions (count, rows, columns), not {imageShape.Length}.");
        var (labelShape, labels) = IdxFile.Read(labelsPath);
        if (labelShape.Length != 1)
            throw new InvalidDataException($"{labelsPath}: labels need 1 dimension, not {labelShape.Length}.");
        if (labelShape[0] != imageShape[0])
            throw new InvalidDataException($"{labelsPath}: {labelShape[0]} labels for the {imageShape[0]} images of {imagesPath}.");
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= ClassNames.Length)
                throw new InvalidDataException($"{labelsPath}: label {i} is {labels[i]}, not a class 0-{ClassNames.Length - 1}.");
        }
        if (imageShape[1] == 0 || imageShape[2] == 0)
            throw new InvalidDataException($"{imagesPath}: empty images ({imageShape[1]}×{imageShape[2]}).");
        return new LabelledImages(pixels, labels, imageShape[1], imageShape[2]);
    }

    // The gzipped name as Debian ships it, else the unpacked one; the error names the expected file.
    private static string Locate(string directory, string name)
    {
        string gz = Path.Combine(directory, name + ".gz");
        if (File.Exists(gz))
            return gz;
        string raw = Path.Combine(directory, name);
        if (File.Exists(raw))
            return raw;
        throw new FileNotFoundException(
            $"Fashion-MNIST file not found: {gz} (install Debian's dataset-fashion-mnist package or give the folder with the IDX files).", gz);
    }
}
