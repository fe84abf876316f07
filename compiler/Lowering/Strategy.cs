namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// The loop forms of the per-op emitters (<see cref="Implementations.LoopNestImplementation"/>),
    /// offered per layer by <see cref="StrategySelector"/>: the fallbacks every op has and the
    /// oracle the runtime kernels are tested against. The kernels themselves are
    /// <see cref="Implementations.LayerImplementation"/> objects, not values of this enum.
    /// </summary>
    public enum Strategy
    {
        /// <summary>Scalar loops that compute exactly what the reference interpreter does, in its order; every op has it.</summary>
        Generic,

        /// <summary>A float layer as dot products of contiguous rows through the runtime's vectorised f32 kernel.</summary>
        Fp32,

        /// <summary>A quantised layer with exact integer accumulation in scalar loops.</summary>
        IntegerReference,

        /// <summary>The output is the input's storage under another shape: no code runs.</summary>
        View,

        /// <summary>Not a loop form: the step uses a runtime-kernel implementation (see <see cref="PlanStep.Implementation"/>).</summary>
        Kernel,
    }
}
