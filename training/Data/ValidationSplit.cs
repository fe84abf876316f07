using System;
using System.Linq;

namespace Bitsmith.Training.Data;

/// <summary>
/// A fixed, seeded hold-out of training images: every choice a run makes (best epoch, bit
/// allocation data, hyperparameters) is made on it, so the test set is only read once per variant
/// at the end.
/// </summary>
public static class ValidationSplit
{
    /// <summary>
    /// Draws <paramref name="validationCount"/> images of <paramref name="images"/> by a seeded
    /// permutation; the rest, in their original order, are the training images.
    /// </summary>
    public static (LabelledImages Train, LabelledImages Validation) Split(LabelledImages images, int validationCount, int seed)
    {
        if (validationCount <= 0 || validationCount >= images.Count)
            throw new ArgumentOutOfRangeException(nameof(validationCount), validationCount,
                $"The validation set needs between 1 and {images.Count - 1} of the {images.Count} images.");
        // Fisher-Yates with System.Random: the same split on every machine and TorchSharp version.
        int[] order = Enumerable.Range(0, images.Count).ToArray();
        var random = new Random(seed);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        int[] validation = order.AsSpan(0, validationCount).ToArray();
        Array.Sort(validation);
        bool[] held = new bool[images.Count];
        foreach (int i in validation)
            held[i] = true;
        int[] train = Enumerable.Range(0, images.Count).Where(i => !held[i]).ToArray();
        return (Select(images, train), Select(images, validation));
    }

    private static LabelledImages Select(LabelledImages images, int[] indices)
    {
        int size = images.ImageSize;
        byte[] pixels = new byte[indices.Length * size];
        byte[] labels = new byte[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            Array.Copy(images.Pixels, indices[k] * size, pixels, k * size, size);
            labels[k] = images.Labels[indices[k]];
        }
        return new LabelledImages(pixels, labels, images.Rows, images.Columns);
    }
}
