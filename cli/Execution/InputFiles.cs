using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Cli.Execution
{
    /// <summary>
    /// Given inputs: one serialized ONNX TensorProto file per graph input (the <c>input_0.pb</c> files
    /// of ONNX's test data sets), in the graph's input order. Each must have the input's element
    /// type and shape (the batch size included).
    /// </summary>
    public static class InputFiles
    {
        public static Tensor[] Load(Graph graph, IReadOnlyList<string> files)
        {
            if (files.Count != graph.Inputs.Count)
                throw new CliException($"the model has {graph.Inputs.Count} input(s) ({string.Join(", ", graph.Inputs.Select(v => v.Name))}); --inputs gave {files.Count} file(s), one TensorProto file per input is needed");
            return files.Select((f, i) => Load(graph.Inputs[i], f)).ToArray();
        }

        private static Tensor Load(Value input, string file)
        {
            var (_, tensor) = OnnxTensorFile.Load(ModelFile.Require(file));
            if (tensor.Type != input.Type || !Shape.SameAs(tensor.Shape, input.Shape))
                throw new CliException($"{file}: holds {tensor.Type.ShortName()}{Shape.Format(tensor.Shape)}, but input '{input.Name}' is {input.Type.ShortName()}{Shape.Format(input.Shape)}");
            return tensor;
        }
    }
}
