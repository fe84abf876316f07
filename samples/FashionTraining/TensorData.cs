using Bitsmith.Training.Data;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>Images as a float tensor [N, 1, rows, columns] in [0, 1] and labels as int64 [N].</summary>
internal sealed class TensorData : System.IDisposable
{
    public TensorData(LabelledImages images)
    {
        using var scope = NewDisposeScope();
        Images = tensor(images.Pixels, new long[] { images.Count, 1, images.Rows, images.Columns }, ScalarType.Byte)
            .to_type(ScalarType.Float32).div_(255f).MoveToOuterDisposeScope();
        Labels = tensor(images.Labels, new long[] { images.Count }, ScalarType.Byte).to_type(ScalarType.Int64).MoveToOuterDisposeScope();
        Count = images.Count;
    }

    private TensorData(Tensor images, Tensor labels)
    {
        Images = images;
        Labels = labels;
        Count = (int)labels.shape[0];
    }

    /// <summary>The images of the classes of <paramref name="split"/>; for <see cref="ClassSplit.All"/> a view that shares this set's storage.</summary>
    public TensorData Of(ClassSplit split)
    {
        if (split == ClassSplit.All) return new TensorData(Images.alias(), Labels.alias());
        using var scope = NewDisposeScope();
        Tensor keep = split == ClassSplit.Source ? Labels.lt(5) : Labels.ge(5);
        Tensor index = keep.nonzero().flatten();
        return new TensorData(Images.index_select(0, index).MoveToOuterDisposeScope(), Labels.index_select(0, index).MoveToOuterDisposeScope());
    }

    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Count { get; }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
