using System.CommandLine;

namespace Bitsmith.Cli
{
    /// <summary>The argument and options that several commands share.</summary>
    internal static class CommonOptions
    {
        public static Argument<string> Model() => new Argument<string>("MODEL")
        {
            Description = "The ONNX model file (QDQ: int8/uint8, int4/uint4 and narrower, codebooks, pruned weights).",
        };

        public static Option<int> Batch()
        {
            var option = new Option<int>("--batch")
            {
                Description = "The value of a symbolic batch dimension.",
                DefaultValueFactory = _ => 1,
                HelpName = "N",
            };
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                    r.AddError("--batch must be a positive integer");
            });
            return option;
        }
    }
}
