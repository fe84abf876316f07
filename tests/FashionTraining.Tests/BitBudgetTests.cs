using System.Linq;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining.Tests;

/// <summary>
/// The allocators held to their weight budget on the deeper network: EBS's search penalty and its selection,
/// and learned mixed precision's bits fitted to the budget and fixed for its last epoch.
/// </summary>
public sealed class BitBudgetTests
{
    private static QuantSequential EbsNet(out EbsQuantizer[] quantizers, params float[] alpha)
    {
        var net = Networks.Build(Networks.Mobile, Catalog.Find("mobile-ebs-b3")!.Scheme!());
        quantizers = net.modules().OfType<EbsQuantizer>().ToArray();
        using (no_grad())
            foreach (var q in quantizers)
                q.alpha.copy_(tensor(alpha));
        return net;
    }

    [Fact]
    public void TheSearchBelowItsBudgetIsPenalisedAndPulledUp()
    {
        using var scope = NewDisposeScope();
        using var net = EbsNet(out var quantizers, 4, 0, 0, 0);   // mostly 2 bits: E[b] ≈ 2.1, far under 3
        Assert.Equal(12, quantizers.Length);
        Assert.True(BitBudget.EbsExpectedBytes(net).item<float>() * 8 < BitBudget.WeightBits(net, 3) * 0.75);

        Tensor penalty = BitBudget.EbsPenalty(net, 3);
        Assert.True(penalty.item<float>() > 0.5);   // a quarter under the budget costs as much as the cross-entropy
        penalty.backward();
        // Gradient descent moves every layer's strengths from 2 bits towards the wider candidates.
        foreach (var q in quantizers)
        {
            float[] g = q.alpha.grad!.data<float>().ToArray();
            Assert.True(g[0] > 0 && g[1] < 0 && g[2] < 0 && g[3] < 0, string.Join(", ", g));
        }
    }

    [Fact]
    public void TheSearchAtItsBudgetCostsNothing()
    {
        using var scope = NewDisposeScope();
        using var net = EbsNet(out _, 0, 30, 0, 0);   // every layer 3 bits: exactly the b3 budget (to float precision)
        Assert.True(BitBudget.EbsPenalty(net, 3).item<float>() < 1e-6);
    }

    [Fact]
    public void TheSelectionKeepsTheMostProbableBitsThatFitTheBudget()
    {
        using var scope = NewDisposeScope();
        using var net = EbsNet(out var quantizers, 0, 0, 1, 2);   // 8 bits most probable everywhere: 153,344 bits, over the budget
        using (no_grad())
            quantizers[^1].alpha.copy_(tensor(new float[] { 0, 0, 2, 1 }));   // the last layer prefers 4

        int[] bits = BitBudget.SelectEbs(net, 2.5);

        Assert.Equal(quantizers.Select(q => q.Range.Bits), bits);
        Assert.True(quantizers.All(q => q.IsSelected));
        long used = BitBudget.QuantizedWeightBits(net), budget = BitBudget.WeightBits(net, 2.5);
        Assert.True(used <= budget, $"{used} > {budget}");
        // 2.5 bits average cannot hold 8 or 4 everywhere, yet the budget is used, not left at 2 bits.
        Assert.Contains(bits, b => b > 2);
        Assert.True(used > 0.8 * budget, $"{used} of {budget}");
    }

    [Fact]
    public void MixedBitsFittedToTheBudgetStayThereForTheLastEpoch()
    {
        using var scope = NewDisposeScope();
        using var net = Networks.Build(Networks.Mobile, Catalog.Find("mobile-mixed-b2.5")!.Scheme!());
        net.train();
        using (no_grad())
            net.forward(rand(2, 1, 28, 28));   // initialises every quantiser: 8 bits first and last, 4 in between
        var weights = net.modules().OfType<MixedPrecisionQuantizer>().Where(q => q.Target == Bitsmith.Training.QuantTarget.Weights).ToArray();
        Assert.All(weights, q => Assert.True(q.FullGrid));   // the deeper network's grid, chosen on the validation images
        long budget = BitBudget.WeightBits(net, 2.5);
        Assert.True(BitBudget.QuantizedWeightBits(net) > budget);

        int removed = BitBudget.FitMixedToBudget(net, 2.5);

        Assert.True(removed > 0);
        Assert.True(BitBudget.QuantizedWeightBits(net) <= budget, $"{BitBudget.QuantizedWeightBits(net)} > {budget}");
        var caps = BitBudget.WeightBitCaps(net);
        // A step of training that widens every range would add bits; the caps take them back.
        foreach (var q in weights)
            q.Initialize(q.StepValue, q.RangeValue * 4);
        Assert.True(BitBudget.QuantizedWeightBits(net) > budget);
        BitBudget.CapMixed(net, caps);
        Assert.All(weights, q => Assert.True(q.Bits <= caps[q]));
        Assert.True(BitBudget.QuantizedWeightBits(net) <= budget);
    }
}
