using System;
using System.Linq;
using Bitsmith.Compiler.Onnx;
using Bitsmith.Training.Export;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Training.Tests;

/// <summary>
/// EBS against hand-computed numbers: x̂ = Σ_b softmax(α)_b · Q_b(x) with LSQ candidates sharing x;
/// gradients reach α (∂L/∂α_k = p_k (S_k - Σ_j p_j S_j), S_k = Σ upstream · Q_k(x)); argmax selection.
/// </summary>
public sealed class EbsQuantizerTests
{
    // 2 bits (QN 2, QP 1) with s = 0.5: x/s = [-1.8, 0.6, 1.2, 4] → [-2, 1, 1, 1] → [-1, 0.5, 0.5, 0.5].
    // 3 bits (QN 4, QP 3) with s = 0.25: x/s = [-3.6, 1.2, 2.4, 8] → [-4, 1, 2, 3] → [-1, 0.25, 0.5, 0.75].
    private static readonly float[] Values = { -0.9f, 0.3f, 0.6f, 2.0f };

    // α = [0, ln 3]: softmax = [0.25, 0.75].
    private static EbsQuantizer Make()
    {
        var q = Quant.Ebs(QuantTarget.Weights, new[] { 2, 3 });
        q.Candidates[0].Initialize(0.5);
        q.Candidates[1].Initialize(0.25);
        using (no_grad()) q.alpha.copy_(tensor(new[] { 0f, (float)Math.Log(3) }));
        return q;
    }

    [Fact]
    public void ForwardIsTheSoftmaxMixture()
    {
        using var scope = NewDisposeScope();
        using var q = Make();
        // 0.25 · [-1, 0.5, 0.5, 0.5] + 0.75 · [-1, 0.25, 0.5, 0.75]
        TensorAssert.Close(new[] { -1.0, 0.3125, 0.5, 0.6875 }, q.call(tensor(Values)), 1e-6);
        TensorAssert.Close(2.75, q.expectedBitwidth(), 1e-6);
    }

    [Fact]
    public void GradientsReachAlphaTheStepsAndTheInput()
    {
        using var scope = NewDisposeScope();
        using var q = Make();
        Tensor x = tensor(Values).requires_grad_();
        (q.call(x) * arange(1, 5, dtype: ScalarType.Float32)).sum().backward();

        // S_2 = -1 + 1 + 1.5 + 2 = 3.5, S_3 = -1 + 0.5 + 1.5 + 3 = 4, mean 3.875.
        TensorAssert.Close(new[] { 0.25 * (3.5 - 3.875), 0.75 * (4 - 3.875) }, q.alpha.grad!, 1e-6);
        // Inside masks: 2 bits [1, 1, 0, 0], 3 bits [1, 1, 1, 0]; mixed 0.25/0.75, times 1..4.
        TensorAssert.Close(new[] { 1.0, 2, 3 * 0.75, 0 }, x.grad!, 1e-6);
        // Each candidate's step gets its LSQ gradient, weighted by its probability.
        Assert.All(q.Candidates, c => Assert.NotEqual(0f, c.step.grad!.item<float>()));
    }

    [Fact]
    public void SelectTakesArgmaxAndThenActsAsThatCandidate()
    {
        using var scope = NewDisposeScope();
        using var q = Make();
        Assert.False(q.IsInitialized);   // not exportable during the search

        Assert.Equal(3, q.Select());
        Assert.True(q.IsSelected);
        Assert.True(q.IsInitialized);
        Assert.Equal(new QuantRange(3, signed: true), q.Range);
        Assert.Equal(0.25, q.StepValue, 6);
        TensorAssert.Close(new[] { -1.0, 0.25, 0.5, 0.75 }, q.call(tensor(Values)));
        TensorAssert.Close(new[] { -4.0, 1, 2, 3 }, q.quantize(tensor(Values)));

        // α moving afterwards does not change the selection.
        using (no_grad()) q.alpha.copy_(tensor(new[] { 5f, 0f }));
        Assert.Equal(3, q.Range.Bits);
    }

    [Fact]
    public void PlugsIntoLayersAndExportsTheSelection()
    {
        using var scope = NewDisposeScope();
        var wq = Quant.Ebs(QuantTarget.Weights, new[] { 2, 4, 8 });
        var aq = Quant.Ebs(QuantTarget.Activations, new[] { 4, 8 });
        using var net = Layers.Sequential(Layers.Linear(4, 3, weightQuantizer: wq), Layers.Quantize(aq));
        net.train();
        net.call(rand(2, 4));   // no ReLU before aq: all-zero activations would leave LSQ no step to start from
        Assert.Throws<InvalidOperationException>(() => OnnxExporter.Export(net, 4));

        using (no_grad()) wq.alpha.copy_(tensor(new[] { 0f, 1f, 0.5f }));
        Assert.Equal(4, wq.Select());
        aq.Select();
        ModelProto model = OnnxExporter.Export(net, 4);
        var w = model.Graph.Initializer.Single(t => t.Name.EndsWith("_w", StringComparison.Ordinal));
        Assert.Equal((int)TensorProto.Types.DataType.Int4, w.DataType);
    }
}
