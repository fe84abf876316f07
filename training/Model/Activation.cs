using System;
using static TorchSharp.torch;

namespace Bitsmith.Training.Model;

/// <summary>An elementwise activation of a known kind.</summary>
public sealed class Activation : nn.Module<Tensor, Tensor>
{
    internal Activation(ActivationKind kind) : base(kind.ToString()) => Kind = kind;

    public ActivationKind Kind { get; }

    public override Tensor forward(Tensor x) => Kind switch
    {
        ActivationKind.ReLU => nn.functional.relu(x),
        ActivationKind.ReLU6 => nn.functional.relu6(x),
        ActivationKind.HardSwish => nn.functional.hardswish(x),
        _ => throw new InvalidOperationException($"Unknown activation {Kind}."),
    };
}
