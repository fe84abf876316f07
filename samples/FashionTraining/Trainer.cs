using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Bitsmith.Training;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// The epoch loop of one variant: one optimiser per parameter kind (<see cref="QuantAwareOptimizer"/>)
/// with a cosine-decayed learning rate, a seeded shuffle per epoch (so a resumed run sees the same
/// batches), the validation accuracy after each epoch, and a checkpoint (model, optimisers, epoch,
/// best epoch) after each. The model kept is that of the epoch best on the validation images among
/// those in final form; the test images are never read here.
/// </summary>
internal sealed class Trainer
{
    private readonly Options _options;
    private readonly TensorData _train;
    private readonly TensorData _validation;

    public Trainer(Options options, TensorData train, TensorData validation)
    {
        _options = options;
        _train = train;
        _validation = validation;
    }

    private int StepsPerEpoch => (_train.Count + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>
    /// Trains <paramref name="net"/> for the configured epochs with <paramref name="method"/>'s
    /// objective (its penalties against <paramref name="variant"/>'s budget, see <see cref="BitBudget"/>;
    /// pruning down to its final keep), checkpointing in <paramref name="dir"/>, and leaves the best validated epoch's model
    /// in it. Returns the training seconds (including earlier runs when resumed) and that epoch.
    /// </summary>
    public (double Seconds, int BestEpoch) Train(Variant variant, Method method, string name, QuantSequential net, string dir)
    {
        double weightRate = variant.Classes == ClassSplit.Target ? _options.FineTuneLearningRate : _options.LearningRate;
        using var optimizer = new QuantAwareOptimizer(net, weightRate, _options.QuantizerLearningRate, _options.SearchLearningRate ?? variant.SearchLearningRate, _options.ScoreLearningRate);
        var state = new Checkpoint(0, 0, 0, -1);   // -1: below any accuracy
        if (_options.Resume && Checkpoint.Load(dir) is { } checkpoint)
        {
            net.load(Checkpoint.ModelPath(dir));
            if (!optimizer.TryLoad(dir))
                throw new IOException($"The optimiser state beside {Checkpoint.ModelPath(dir)} is missing; rerun without --resume.");
            state = checkpoint;
            Console.WriteLine($"  resuming {name} after epoch {state.Epoch}");
        }

        int epochs = _options.Epochs;
        long totalSteps = (long)epochs * StepsPerEpoch;
        var schedule = method == Method.Pruning ? SparsitySchedule(totalSteps, variant.FinalKeep) : null;
        var mixed = net.modules().OfType<MixedPrecisionQuantizer>().ToArray();
        for (int epoch = state.Epoch; epoch < epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            // The last epoch trains the clip the exported grid will have, so the snap after it changes nothing.
            foreach (var q in mixed)
                q.SnapsToGrid = epoch == epochs - 1;
            // The memory penalty is soft: the last epoch trains at bits fitted to the budget, and they may not grow back.
            Dictionary<MixedPrecisionQuantizer, int>? bitCaps = null;
            if (method == Method.Mixed && epoch == epochs - 1)
            {
                if (BitBudget.FitMixedToBudget(net, variant.AverageBits) is > 0 and int cut)
                    Console.WriteLine($"  {name}: {cut} weight bits taken from the widest layers to meet the budget before the last epoch");
                bitCaps = BitBudget.WeightBitCaps(net);
            }
            torch.manual_seed(_options.Seed * 1000L + epoch);
            using var order = randperm(_train.Count);
            double lossSum = 0;
            long correct = 0;
            net.train();
            for (int step = 0; step < StepsPerEpoch; step++)
            {
                using var scope = NewDisposeScope();
                long globalStep = (long)epoch * StepsPerEpoch + step;
                if (schedule is not null)
                    Pruning.Apply(net, schedule, globalStep, variant.Soft.Threshold);
                optimizer.Scale(0.5 * (1 + Math.Cos(Math.PI * globalStep / totalSteps)));
                int start = step * _options.BatchSize;
                Tensor batch = order.narrow(0, start, Math.Min(_options.BatchSize, _train.Count - start));
                Tensor labels = _train.Labels.index_select(0, batch);
                optimizer.ZeroGrad();
                Tensor logits = net.forward(_train.Images.index_select(0, batch));
                Tensor loss = nn.functional.cross_entropy(logits, labels);
                Tensor objective = method switch
                {
                    Method.Mixed => loss + BitBudget.MixedPenalty(net, variant.AverageBits),
                    Method.Ebs => loss + BitBudget.EbsPenalty(net, variant.AverageBits),
                    Method.Pruning when variant.Soft.Lambda > 0 => loss + variant.Soft.Lambda * Pruning.SoftPenalty(net),
                    _ => loss,
                };
                objective.backward();
                optimizer.Step();
                if (method == Method.Mixed)
                    BitBudget.CapMixed(net, bitCaps);
                lossSum += loss.item<float>() * batch.shape[0];
                correct += logits.argmax(1).eq(labels).sum().item<long>();
            }
            long end = (long)(epoch + 1) * StepsPerEpoch;
            if (schedule is not null)
                Pruning.Apply(net, schedule, end, variant.Soft.Threshold);
            double validation = Evaluation.Accuracy(net, _validation);
            double epochSeconds = watch.Elapsed.TotalSeconds;

            Directory.CreateDirectory(dir);
            net.save(Checkpoint.ModelPath(dir));
            optimizer.Save(dir);
            // Only an epoch whose model is the final form may be kept: pruning at its final sparsity,
            // mixed precision after its snapped last epoch.
            bool final = method switch
            {
                Method.Pruning => schedule!.KeepAt(end) <= schedule.KeepAt(totalSteps),
                Method.Mixed => epoch == epochs - 1,
                _ => true,
            };
            bool best = final && validation > state.BestValidation;
            if (best)
                net.save(Checkpoint.BestModelPath(dir));
            state = new Checkpoint(epoch + 1, state.Seconds + epochSeconds, best ? epoch + 1 : state.BestEpoch,
                best ? validation : state.BestValidation);
            state.Save(dir);

            var inv = CultureInfo.InvariantCulture;
            string keep = schedule is null ? "" : string.Format(inv, "  kept {0:P1}", ModelSize.KeptFraction(net) ?? 1);
            Console.WriteLine(string.Format(inv,
                "  {0} epoch {1}/{2}  loss {3:F4}  train {4:P2}  validation {5:P2}{6}{7}  {8}  ETA {9}",
                name, epoch + 1, epochs, lossSum / _train.Count, (double)correct / _train.Count, validation, keep, best ? " (best)" : "",
                Format(epochSeconds), Format(epochSeconds * (epochs - epoch - 1))));
            if (method == Method.Ebs)
                Console.WriteLine("  " + BitBudget.DescribeEbsSearch(net, variant.AverageBits));
            if (method == Method.Mixed)
                Console.WriteLine("  " + BitBudget.DescribeMixed(net, variant.AverageBits));
        }
        foreach (var q in mixed)
            q.SnapsToGrid = false;
        if (state.BestEpoch != state.Epoch && File.Exists(Checkpoint.BestModelPath(dir)))
        {
            net.load(Checkpoint.BestModelPath(dir));
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0}: keeping epoch {1} (validation {2:P2})",
                name, state.BestEpoch, state.BestValidation));
        }
        return (state.Seconds, state.BestEpoch);
    }

    /// <summary>
    /// iPQ: fits each layer's codebook in turn and fine-tunes the whole network (centroids included)
    /// for <c>--ipq-finetune-steps</c> after each. The network is saved after each layer, so a
    /// resumed run continues with the next one.
    /// </summary>
    public double QuantizeProduct(QuantSequential net, string dir)
    {
        var watch = Stopwatch.StartNew();
        string path = Path.Combine(dir, "ipq.bin");
        if (_options.Resume && File.Exists(path))
        {
            net.load(path);
            Console.WriteLine($"  resuming iPQ with {ProductQuantization.Layers(net).Count(l => l.Quantizer.IsFitted)} layers quantised");
        }
        var layers = ProductQuantization.Layers(net);
        var generator = new Generator((ulong)_options.Seed);
        ProductQuantization.QuantizeLayers(net, layer =>
        {
            FineTune(net, _options.IpqFineTuneSteps, generator);
            net.save(path);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  iPQ layer {0}/{1} quantised, fine-tuned {2} steps, validation {3:P2}",
                layer + 1, layers.Count, _options.IpqFineTuneSteps, Evaluation.Accuracy(net, _validation)));
        });
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// EBS after the search: the bitwidths fixed within the budget (<see cref="BitBudget.SelectEbs"/>),
    /// then as many epochs of training at them as the other allocators get (in <c>finetune/</c>).
    /// Returns the seconds and the kept epoch of the fine-tuning.
    /// </summary>
    public (double Seconds, int BestEpoch) SelectAndFineTune(Variant variant, QuantSequential net, string dir)
    {
        int[] bits = BitBudget.SelectEbs(net, variant.AverageBits);
        Console.WriteLine($"  EBS selected {BitBudget.Describe(net, bits, variant.AverageBits)}");
        return Train(variant, Method.Plain, variant.Name + " fine-tuning", net, Path.Combine(dir, "finetune"));
    }

    // Random mini-batches: the float weights at a tenth of the learning rate, the centroids at the quantiser rate
    // (their averaged gradients are small: a tenth of it would barely move them).
    private void FineTune(QuantSequential net, int steps, Generator generator)
    {
        // An iPQ network has no mixed-precision step or range: that group is empty, its rate immaterial.
        using var optimizer = new QuantAwareOptimizer(net, _options.LearningRate * 0.1, _options.QuantizerLearningRate, (_options.SearchLearningRate ?? 2e-3) * 0.1, _options.ScoreLearningRate * 0.1);
        net.train();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            Tensor batch = randint(0, _train.Count, new long[] { _options.BatchSize }, dtype: ScalarType.Int64, generator: generator);
            optimizer.ZeroGrad();
            nn.functional.cross_entropy(net.forward(_train.Images.index_select(0, batch)), _train.Labels.index_select(0, batch)).backward();
            optimizer.Step();
        }
    }

    // Movement pruning's schedule: dense for the first 10% of the steps, cubic down to finalKeep by 70%, then fine-tuning there.
    private static CubicSparsitySchedule SparsitySchedule(long totalSteps, double finalKeep)
    {
        int updates = (int)Math.Clamp(totalSteps * 6 / 10, 1, 50);
        int interval = (int)Math.Max(1, totalSteps * 6 / 10 / updates);
        return new CubicSparsitySchedule(1.0, finalKeep, startStep: totalSteps / 10, updates, interval);
    }

    public static string Format(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
    }
}
