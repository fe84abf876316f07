using System.IO;
using System.Text.Json;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// The progress of a variant's epoch loop, saved beside its model and optimiser state after each
/// epoch: the epochs done, the seconds spent, and the epoch whose model scored best on the
/// validation images (its model kept in <see cref="BestModelPath"/>; 0: none yet).
/// </summary>
internal sealed record Checkpoint(int Epoch, double Seconds, int BestEpoch, double BestValidation)
{
    public static string ModelPath(string dir) => Path.Combine(dir, "model.bin");
    public static string BestModelPath(string dir) => Path.Combine(dir, "best.bin");
    private static string StatePath(string dir) => Path.Combine(dir, "checkpoint.json");

    public static Checkpoint? Load(string dir) =>
        File.Exists(StatePath(dir)) && File.Exists(ModelPath(dir))
            ? JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(StatePath(dir)))
            : null;

    public void Save(string dir)
    {
        // Written last and atomically: a crash mid-save leaves the previous epoch's state readable.
        string temp = StatePath(dir) + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this));
        File.Move(temp, StatePath(dir), overwrite: true);
    }
}
