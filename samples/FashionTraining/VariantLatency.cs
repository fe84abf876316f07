using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// How fast a finished variant's generated code runs (saved as latency.json beside its result.json,
/// so that rewriting the results does not time it again unless --retime asks): the median and 90th
/// percentile of single calls (batch 1, one thread) in microseconds, the implementation each layer
/// with multiply-adds got, in order, the machine it was timed on and the command that timed it.
/// <see cref="Failure"/> says why a variant could not be compiled or built instead (the numbers are
/// then 0 and the list empty).
/// </summary>
internal sealed record VariantLatency(
    double MedianMicroseconds,
    double P90Microseconds,
    int Calls,
    double TimedSeconds,
    IReadOnlyList<string> LayerImplementations,
    string Machine,
    string Command,
    string? Failure = null)
{
    public static string PathIn(string dir) => Path.Combine(dir, "latency.json");

    public static VariantLatency? Load(string dir) =>
        File.Exists(PathIn(dir)) ? JsonSerializer.Deserialize<VariantLatency>(File.ReadAllText(PathIn(dir))) : null;

    public void Save(string dir) => File.WriteAllText(PathIn(dir), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The implementations counted, in the order the layers first use them: "qconv_u8s8_c4_4x64 ×2, qgemv_u8s8_16c4".</summary>
    public string Mix() => string.Join(", ", LayerImplementations
        .GroupBy(name => name)
        .Select(g => g.Count() == 1 ? g.Key : string.Format(CultureInfo.InvariantCulture, "{0} ×{1}", g.Key, g.Count())));
}
