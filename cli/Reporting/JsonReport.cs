using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bitsmith.Cli.Reporting
{
    /// <summary><c>report --format json</c>: one object with the model, its ports, the layers (numbers as numbers) and the totals.</summary>
    internal static class JsonReport
    {
        public static void Write(TextWriter w, ReportData data)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                json.WriteString("model", data.Model);
                Ports(json, "inputs", data.Inputs);
                Ports(json, "outputs", data.Outputs);
                json.WriteStartArray("layers");
                foreach (var l in data.Layers)
                {
                    json.WriteStartObject();
                    json.WriteString("node", l.Node);
                    json.WriteString("op", l.Op);
                    json.WriteString("input", l.InputShape);
                    json.WriteString("output", l.OutputShape);
                    json.WriteNumber("macs", l.Macs);
                    json.WriteNumber("weight_bits", l.WeightBits);
                    json.WriteNumber("activation_bits", l.ActivationBits);
                    json.WriteNumber("weight_bytes", l.WeightBytes);
                    json.WriteString("implementation", l.Implementation);
                    json.WriteString("reason", l.Reason);
                    json.WriteNumber("estimated_us", System.Math.Round(l.EstimatedNanoseconds / 1000, 3));
                    json.WriteString("note", l.Note);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartObject("totals");
                json.WriteNumber("layers", data.Layers.Count);
                json.WriteNumber("macs", data.TotalMacs);
                json.WriteNumber("weight_bytes", data.WeightBytes);
                json.WriteNumber("float32_weight_bytes", data.FloatWeightBytes);
                json.WriteNumber("packed_weight_bytes", data.PackedWeightBytes);
                json.WriteNumber("scratch_bytes", data.ScratchBytes);
                json.WriteNumber("estimated_us", System.Math.Round(data.TotalEstimatedMicroseconds, 3));
                json.WriteEndObject();
                json.WriteEndObject();
            }
            w.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        }

        private static void Ports(Utf8JsonWriter json, string name, System.Collections.Generic.IReadOnlyList<(string Name, string Type)> ports)
        {
            json.WriteStartArray(name);
            foreach (var (n, t) in ports)
            {
                json.WriteStartObject();
                json.WriteString("name", n);
                json.WriteString("type", t);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
    }
}
