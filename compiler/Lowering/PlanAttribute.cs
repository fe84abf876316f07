namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// A parameter of a step, resolved at lowering time (auto_pad turned into pads, negative
    /// axes normalised, defaults filled in): integers, floats or a string.
    /// </summary>
    public sealed record PlanAttribute(string Name, ImmutableEquatableArray<long>? Ints, ImmutableEquatableArray<float>? Floats, string? Text)
    {
        public static PlanAttribute Of(string name, params long[] values) => new PlanAttribute(name, values.ToImmutableEquatableArray(), null, null);

        public static PlanAttribute Of(string name, params int[] values) => Of(name, System.Array.ConvertAll(values, v => (long)v));

        public static PlanAttribute Of(string name, params float[] values) => new PlanAttribute(name, null, values.ToImmutableEquatableArray(), null);

        public static PlanAttribute Of(string name, string text) => new PlanAttribute(name, null, null, text);
    }
}
