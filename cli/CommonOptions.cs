using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Bitsmith.Cli
{
    /// <summary>The argument and options that several commands share, and the parsers of their numbers.</summary>
    internal static class CommonOptions
    {
        public static Argument<string> Model() => new Argument<string>("MODEL")
        {
            Description = "The ONNX model file (QDQ: int8/uint8, int4/uint4 and narrower, codebooks, pruned weights).",
        };

        /// <summary>
        /// <c>--strategy "node=implementation;..."</c>: the implementation a layer uses in place of the
        /// cost model's choice, as the <c>StrategyOverrides</c> item metadata takes it. The value is
        /// the text (<c>CompileOptions.WithStrategyOverrides</c> reads it); a malformed entry is a usage error.
        /// </summary>
        public static Option<string> Strategy() => new Option<string>("--strategy")
        {
            Description = "The implementation of a layer, by node name, in place of the cost model's choice: \"node=implementation;...\" " +
                "(as the StrategyOverrides item metadata; `report` lists each layer's node, implementation and alternatives).",
            DefaultValueFactory = _ => "",
            HelpName = "NODE=IMPL;...",
            Validators =
            {
                r =>
                {
                    try
                    {
                        new Compiler.Lowering.CompileOptions().WithStrategyOverrides(r.Tokens.Count == 0 ? "" : r.Tokens[0].Value);
                    }
                    catch (System.FormatException e)
                    {
                        r.AddError("--strategy: " + e.Message);
                    }
                },
            },
        };

        public static Option<int> Batch() => PositiveInt("--batch", "The value of a symbolic batch dimension.", 1, "N");

        /// <summary>An integer option that must be at least 1 and at most <paramref name="maximum"/> (a wrong value is a usage error naming the option).</summary>
        public static Option<int> PositiveInt(string name, string description, int defaultValue, string helpName, int maximum = int.MaxValue) => new Option<int>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = helpName,
            CustomParser = r =>
            {
                if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1)
                {
                    if (n <= maximum)
                        return n;
                    r.AddError($"{name} must be at most {maximum}, got '{Token(r)}'");
                    return defaultValue;
                }
                r.AddError($"{name} must be a positive integer, got '{Token(r)}'");
                return defaultValue;
            },
        };

        /// <summary>A number of seconds above 0 and at most an hour.</summary>
        public static Option<double> Seconds(string name, string description, double defaultValue, string helpName) => new Option<double>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = helpName,
            CustomParser = r =>
            {
                if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && s <= 3600)
                    return s;
                r.AddError($"{name} must be more than 0 and at most 3600, got '{Token(r)}'");
                return defaultValue;
            },
        };

        private static string Token(ArgumentResult r) => r.Tokens.Count == 0 ? "" : r.Tokens[0].Value;
    }
}
