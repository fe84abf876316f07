using System;
using static TorchSharp.torch;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>Eval-mode predictions and accuracy in TorchSharp.</summary>
internal static class Evaluation
{
    private const int Batch = 1000;

    /// <summary>The predicted class of the first <paramref name="count"/> images.</summary>
    public static long[] Predict(nn.Module<Tensor, Tensor> net, Tensor images, int count)
    {
        net.eval();
        var predictions = new long[count];
        using var noGrad = no_grad();
        for (int start = 0; start < count; start += Batch)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(Batch, count - start);
            long[] batch = net.forward(images.narrow(0, start, n)).argmax(1).data<long>().ToArray();
            Array.Copy(batch, 0, predictions, start, n);
        }
        return predictions;
    }

    public static double Accuracy(nn.Module<Tensor, Tensor> net, TensorData data) =>
        Accuracy(Predict(net, data.Images, data.Count), data.Labels);

    public static double Accuracy(long[] predictions, Tensor labels)
    {
        long[] truth = labels.narrow(0, 0, predictions.Length).data<long>().ToArray();
        int correct = 0;
        for (int i = 0; i < predictions.Length; i++)
            correct += predictions[i] == truth[i] ? 1 : 0;
        return predictions.Length == 0 ? 0 : (double)correct / predictions.Length;
    }
}
