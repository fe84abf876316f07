using Xunit;

// TorchSharp's random generator is one per process: a test drawing from it (a layer's initial
// weights, rand) or seeding it while another trains changes the other's data, so seeded tests
// (the export parity runs) were not reproducible in parallel. The whole suite runs in seconds.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
