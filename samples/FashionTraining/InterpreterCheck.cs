using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Passes;
using static TorchSharp.torch;
using IrTensor = Bitsmith.Compiler.Ir.Tensor;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// Runs the exported ONNX file in the compiler (import, passes, reference interpreter) on the first
/// test images: its accuracy, and how often its class agrees with TorchSharp's.
/// </summary>
internal static class InterpreterCheck
{
    private const int Batch = 50;

    public static (double Accuracy, double Agreement) Run(string onnxPath, Tensor images, Tensor labels, long[] torchPredictions, int count)
    {
        if (count == 0)
            return (0, 0);   // not checked: the report says "not run"
        var predictions = new List<long>();
        var graph = OnnxImporter.Load(onnxPath, new ImportOptions { BatchSize = Batch });
        Pipeline.Run(graph);
        int[] shape = { Batch, 1, FashionCnn.Size, FashionCnn.Size };
        for (int start = 0; start < count; start += Batch)
        {
            int n = Math.Min(Batch, count - start);
            var input = new float[Batch * FashionCnn.Size * FashionCnn.Size];
            using (var slice = images.narrow(0, start, n).contiguous())
                slice.data<float>().CopyTo(input, 0);   // a short last batch is padded with zero images
            float[] logits = ReferenceInterpreter.Run(graph, new Dictionary<string, IrTensor> { ["input"] = IrTensor.FromFloats(shape, input) })["output"].Floats;
            for (int i = 0; i < n; i++)
            {
                var row = new ReadOnlySpan<float>(logits, i * FashionCnn.Classes, FashionCnn.Classes);
                int best = 0;
                for (int c = 1; c < row.Length; c++)
                    best = row[c] > row[best] ? c : best;
                predictions.Add(best);
            }
        }
        long[] truth = labels.narrow(0, 0, count).data<long>().ToArray();
        double accuracy = predictions.Where((p, i) => p == truth[i]).Count() / (double)count;
        double agreement = predictions.Where((p, i) => p == torchPredictions[i]).Count() / (double)count;
        return (accuracy, agreement);
    }
}
