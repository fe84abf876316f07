namespace Bitsmith.Samples.FashionTraining;

/// <summary>
/// Which classes a variant trains and is measured on: all ten, or one half of the transfer setting
/// (movement pruning's: pretrain on one task, fine-tune and prune on another).
/// </summary>
internal enum ClassSplit
{
    /// <summary>Every class.</summary>
    All,

    /// <summary>Classes 0 to 4 (T-shirt, trouser, pullover, dress, coat): the pretraining task.</summary>
    Source,

    /// <summary>Classes 5 to 9 (sandal, shirt, sneaker, bag, ankle boot): the fine-tuning task.</summary>
    Target,
}
