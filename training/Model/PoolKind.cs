namespace Bitsmith.Training.Model;

/// <summary>What a pooling window computes.</summary>
public enum PoolKind
{
    Max,

    /// <summary>The mean; padded cells count (PyTorch's default, ONNX's <c>count_include_pad = 1</c>).</summary>
    Average,
}
