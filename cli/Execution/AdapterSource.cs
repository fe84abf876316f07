using System.Linq;
using System.Text;
using Bitsmith.Compiler.Emit;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Cli.Execution
{
    /// <summary>
    /// A small class compiled beside the generated code: reflection cannot pass spans, so the
    /// adapter takes the input and output arrays once (<c>Bind</c>) and then calls the model's
    /// <c>Run</c> on them with no argument (<c>Run</c>), on the calling thread or with the bound
    /// <c>LayerThreads</c>, which allocates nothing per call.
    /// </summary>
    internal static class AdapterSource
    {
        public const string Namespace = "Bitsmith.Cli.Generated";
        public const string ClassName = "ModelAdapter";

        public static string For(GeneratedSource generated)
        {
            var values = generated.Plan.ValuesByName();
            var ports = generated.Plan.Inputs.Select((n, i) => (Field: "_i" + i, Array: "i", Index: i, Type: CSharp.ElementType(values[n].Type)))
                .Concat(generated.Plan.Outputs.Select((n, i) => (Field: "_o" + i, Array: "o", Index: i, Type: CSharp.ElementType(values[n].Type))))
                .ToList();
            var sb = new StringBuilder();
            sb.Append("namespace ").Append(Namespace).Append("\n{\n");
            sb.Append("    public static class ").Append(ClassName).Append("\n    {\n");
            foreach (var p in ports)
                sb.Append($"        private static {p.Type}[] {p.Field} = new {p.Type}[0];\n");
            sb.Append("        private static global::Bitsmith.LayerThreads? _threads;\n");
            sb.Append("        public static void Bind(object[] i, object[] o, global::Bitsmith.LayerThreads? threads)\n        {\n");
            foreach (var p in ports)
                sb.Append($"            {p.Field} = ({p.Type}[]){p.Array}[{p.Index}];\n");
            sb.Append("            _threads = threads;\n");
            sb.Append("        }\n");
            string args = string.Join(", ", ports.Select(p => p.Field));
            sb.Append("        public static void Run()\n        {\n");
            sb.Append($"            if (_threads is null) global::{generated.FullName}.Run({args});\n");
            sb.Append($"            else global::{generated.FullName}.Run({args}, _threads);\n");
            sb.Append("        }\n");
            sb.Append("    }\n}\n");
            return sb.ToString();
        }
    }
}
