namespace Bitsmith.Training;

/// <summary>A weight transform with state shaped like the weight (pruning scores): the layer hands it its weight when built.</summary>
internal interface IWeightBound
{
    void Bind(TorchSharp.torch.Tensor weight);
}
