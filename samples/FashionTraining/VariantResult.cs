using System.IO;
using System.Text.Json;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// What a finished variant measured (saved as result.json in its folder, read back on --resume and
/// for the report): the accuracy on the validation images every choice was made on, the test
/// accuracy measured once at the end, the kept epoch (of EBS's fine-tuning for EBS), the weight
/// bits per layer (null with codebooks) and the fraction of weights kept (pruning variants).
/// </summary>
internal sealed record VariantResult(
    string Name,
    double TestAccuracy,
    int TestImages,
    double ValidationAccuracy,
    int ValidationImages,
    int BestEpoch,
    long WeightBytes,
    long Weights,
    double TrainSeconds,
    int Epochs,
    int TrainImages,
    int InterpreterImages,
    double InterpreterAccuracy,
    double InterpreterAgreement,
    double TorchAccuracyOnInterpreterImages,
    string Command,
    int[]? LayerBits = null,
    double? KeptFraction = null)
{
    public static string PathIn(string dir) => Path.Combine(dir, "result.json");

    public static VariantResult? Load(string dir) =>
        File.Exists(PathIn(dir)) ? JsonSerializer.Deserialize<VariantResult>(File.ReadAllText(PathIn(dir))) : null;

    public void Save(string dir) => File.WriteAllText(PathIn(dir), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
}
