using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// The epoch loop of one variant: Adam with a cosine-decayed learning rate, a seeded shuffle per
/// epoch (so a resumed run sees the same batches), a progress line per epoch, and a checkpoint
/// (model, optimizer, epoch) after each.
/// </summary>
internal sealed class Trainer
{
    private readonly Options _options;
    private readonly TensorData _train;
    private readonly TensorData _test;

    public Trainer(Options options, TensorData train, TensorData test)
    {
        _options = options;
        _train = train;
        _test = test;
    }

    private int StepsPerEpoch => (_train.Count + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>Trains <paramref name="net"/> for the configured epochs; returns the training seconds (including earlier runs when resumed).</summary>
    public double Train(Variant variant, QuantSequential net, string dir)
    {
        using var optimizer = optim.Adam(net.parameters(), lr: _options.LearningRate);
        int firstEpoch = 0;
        double seconds = 0;
        if (_options.Resume && Checkpoint.Load(dir) is { } checkpoint)
        {
            net.load(Checkpoint.ModelPath(dir));
            optimizer.load_state_dict(Checkpoint.OptimizerPath(dir));
            (firstEpoch, seconds) = (checkpoint.Epoch, checkpoint.Seconds);
            Console.WriteLine($"  resuming {variant.Name} after epoch {firstEpoch}");
        }

        int epochs = _options.Epochs;
        long totalSteps = (long)epochs * StepsPerEpoch;
        var schedule = variant.Method == Method.Pruning ? SparsitySchedule(totalSteps) : null;
        for (int epoch = firstEpoch; epoch < epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
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
                    Pruning.Apply(net, schedule, globalStep);
                SetLearningRate(optimizer, _options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * globalStep / totalSteps)));
                int start = step * _options.BatchSize;
                Tensor batch = order.narrow(0, start, Math.Min(_options.BatchSize, _train.Count - start));
                Tensor labels = _train.Labels.index_select(0, batch);
                optimizer.zero_grad();
                Tensor logits = net.forward(_train.Images.index_select(0, batch));
                Tensor loss = nn.functional.cross_entropy(logits, labels);
                Tensor objective = variant.Method switch
                {
                    Method.Mixed => loss + BitBudget.MixedPenalty(net),
                    Method.Ebs => loss + BitBudget.EbsPenalty(net),
                    _ => loss,
                };
                objective.backward();
                optimizer.step();
                if (variant.Method == Method.Mixed)
                    BitBudget.CapMixed(net);
                lossSum += loss.item<float>() * batch.shape[0];
                correct += logits.argmax(1).eq(labels).sum().item<long>();
            }
            if (schedule is not null)
                Pruning.Apply(net, schedule, (long)(epoch + 1) * StepsPerEpoch);
            double testAccuracy = Evaluation.Accuracy(net, _test);
            double epochSeconds = watch.Elapsed.TotalSeconds;
            seconds += epochSeconds;

            Directory.CreateDirectory(dir);
            net.save(Checkpoint.ModelPath(dir));
            optimizer.save_state_dict(Checkpoint.OptimizerPath(dir));
            new Checkpoint(epoch + 1, seconds).Save(dir);

            var inv = CultureInfo.InvariantCulture;
            string keep = schedule is null ? "" : string.Format(inv, "  kept {0:P0}", schedule.KeepAt((long)(epoch + 1) * StepsPerEpoch));
            Console.WriteLine(string.Format(inv,
                "  {0} epoch {1}/{2}  loss {3:F4}  train {4:P2}  test {5:P2}{6}  {7}  ETA {8}",
                variant.Name, epoch + 1, epochs, lossSum / _train.Count, (double)correct / _train.Count, testAccuracy, keep,
                Format(epochSeconds), Format(epochSeconds * (epochs - epoch - 1))));
        }
        return seconds;
    }

    /// <summary>
    /// iPQ: fits each layer's codebook in turn and fine-tunes the whole network (centroids included)
    /// for the configured steps after each, at a tenth of the learning rate.
    /// </summary>
    public double QuantizeProduct(QuantSequential net)
    {
        var watch = Stopwatch.StartNew();
        var layers = ProductQuantization.Layers(net);
        var generator = new Generator((ulong)_options.Seed);
        ProductQuantization.QuantizeLayers(net, layer =>
        {
            FineTune(net, _options.IpqFineTuneSteps, generator);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  iPQ layer {0}/{1} quantised, test {2:P2}",
                layer + 1, layers.Count, Evaluation.Accuracy(net, _test)));
        });
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>EBS after the search: the argmax bitwidths fixed, the network fine-tuned at them; returns the seconds.</summary>
    public double SelectAndFineTune(QuantSequential net)
    {
        var watch = Stopwatch.StartNew();
        int[] bits = BitBudget.SelectEbs(net);
        Console.WriteLine($"  EBS selected {BitBudget.Describe(net, bits)}");
        FineTune(net, _options.FineTuneSteps, new Generator((ulong)_options.Seed));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  EBS fine-tuned {0} steps, test {1:P2}",
            _options.FineTuneSteps, Evaluation.Accuracy(net, _test)));
        return watch.Elapsed.TotalSeconds;
    }

    // Random mini-batches at a tenth of the learning rate.
    private void FineTune(QuantSequential net, int steps, Generator generator)
    {
        using var optimizer = optim.Adam(net.parameters(), lr: _options.LearningRate * 0.1);
        net.train();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            Tensor batch = randint(0, _train.Count, new long[] { _options.BatchSize }, dtype: ScalarType.Int64, generator: generator);
            optimizer.zero_grad();
            nn.functional.cross_entropy(net.forward(_train.Images.index_select(0, batch)), _train.Labels.index_select(0, batch)).backward();
            optimizer.step();
        }
    }

    // Movement pruning's schedule: dense for the first 10% of the steps, cubic down to 20% kept by 70%, then fine-tuning at 20%.
    private static CubicSparsitySchedule SparsitySchedule(long totalSteps)
    {
        int updates = (int)Math.Clamp(totalSteps * 6 / 10, 1, 50);
        int interval = (int)Math.Max(1, totalSteps * 6 / 10 / updates);
        return new CubicSparsitySchedule(1.0, 0.2, startStep: totalSteps / 10, updates, interval);
    }

    private static void SetLearningRate(optim.Optimizer optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = lr;
    }

    public static string Format(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
    }
}
