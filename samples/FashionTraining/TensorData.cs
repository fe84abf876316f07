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

    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Count { get; }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
