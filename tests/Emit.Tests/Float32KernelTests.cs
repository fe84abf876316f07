using System;
using System.Linq;
using Bitsmith.Compiler.Lowering.Implementations;
using Bitsmith.Compiler.Lowering.Implementations.Float32;
using Bitsmith.Runtime.Kernels;
using Bitsmith.Runtime.Kernels.Float32;
using Xunit;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The f32 GEMM and im2col on their own, against double sums: the edge battery of a
    /// register-tiled kernel (rows and columns below, at and above each tile, depth 0, one block
    /// and past it, a strided C whose gaps stay untouched, both bias axes, every activation),
    /// with the compiler's panel packing (<see cref="F32Panels"/>); and the refusals and the allocation count.
    /// </summary>
    public class Float32KernelTests
    {
        public static TheoryData<int, int, int> Shapes => new TheoryData<int, int, int>
        {
            { 1, 1, 1 }, { 1, 300, 70 }, { 3, 7, 5 }, { 4, 16, 16 }, { 5, 0, 9 }, { 7, 255, 33 }, { 8, 256, 32 },
            { 9, 257, 31 }, { 12, 64, 48 }, { 16, 3, 64 }, { 17, 513, 65 }, { 33, 40, 100 },
        };

        [Theory]
        [MemberData(nameof(Shapes))]
        public void SgemmMatchesDoubleSumsOnEveryEdge(int rows, int depth, int columns)
        {
            var random = new Random(rows * 1000 + depth * 7 + columns);
            var a = Values(rows * (depth + 3), random);
            var b = Values(depth * columns, random);
            var panels = new F32Panels(depth, columns, SgemmImplementation.PanelWidth);
            var packed = Floats(panels.Pack(b));
            var columnBias = Values(panels.Panels * Sgemm.PanelWidth, random);
            var rowBias = Values(rows, random);
            int lda = depth + 3, ldc = columns + 5;
            foreach (bool perRow in new[] { false, true })
                foreach (var act in new FusedActivation[] { new(0), new(1), new(2), new(3) })
                {
                    var c = Enumerable.Repeat(float.NaN, (rows - 1) * ldc + columns + 2).ToArray();
                    var bias = perRow ? rowBias : columnBias;
                    act.Multiply(perRow, a, lda, rows, depth, packed, depth * Sgemm.PanelWidth, columns, bias, c, ldc);
                    for (int i = 0; i < rows; i++)
                    {
                        for (int j = 0; j < columns; j++)
                        {
                            double sum = 0, magnitude = 0;
                            for (int k = 0; k < depth; k++)
                            {
                                sum += (double)a[i * lda + k] * b[k * columns + j];
                                magnitude += Math.Abs((double)a[i * lda + k] * b[k * columns + j]);
                            }
                            float beta = perRow ? bias[i] : bias[j];
                            double want = act.Apply((float)(sum + beta));
                            Assert.True(Math.Abs(c[i * ldc + j] - want) <= 1e-5 * (magnitude + Math.Abs(beta)) + 1e-30,
                                $"C[{i}, {j}] = {c[i * ldc + j]}, expected {want} ({act}, bias per {(perRow ? "row" : "column")})");
                        }
                        if (i < rows - 1)
                            Assert.All(c.AsSpan(i * ldc + columns, ldc - columns).ToArray(), v => Assert.True(float.IsNaN(v), "a gap of the strided C was written"));
                    }
                    Assert.True(float.IsNaN(c[^1]) && float.IsNaN(c[^2]), "values past C were written");
                }
        }

        [Fact]
        public void PanelWidthIsTheRuntimes() => Assert.Equal(Sgemm.PanelWidth, SgemmImplementation.PanelWidth);

        [Fact]
        public void Im2ColLaysOutEveryTapOfTheWindow()
        {
            var random = new Random(5);
            foreach (var (h, w, k, stride, dilation, pad) in new[] { (5, 7, 3, 1, 1, 1), (4, 9, 2, 2, 1, 0), (3, 3, 5, 1, 2, 3), (1, 1, 1, 1, 1, 0), (6, 40, 3, 3, 2, 2) })
            {
                int channels = 2;
                int outH = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1, outW = (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
                var x = Values(channels * h * w, random);
                for (int firstRow = 0; firstRow < outH; firstRow += 2)
                {
                    int rows = Math.Min(2, outH - firstRow), ldb = (rows * outW + 31) / 32 * 32 + 32;
                    var columns = Enumerable.Repeat(float.NaN, channels * k * k * ldb).ToArray();
                    Im2Col.Pack(x, channels, h, w, k, k, stride, stride, dilation, dilation, pad, pad, outW, firstRow, rows, columns, ldb);
                    for (int c = 0; c < channels; c++)
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++)
                            {
                                int row = ((c * k + ky) * k + kx) * ldb;
                                for (int p = 0; p < rows * outW; p++)
                                {
                                    int iy = (firstRow + p / outW) * stride - pad + ky * dilation, ix = p % outW * stride - pad + kx * dilation;
                                    float want = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[(c * h + iy) * w + ix] : 0;
                                    Assert.Equal(want, columns[row + p]);
                                }
                                int padded = (rows * outW + 31) / 32 * 32;
                                Assert.All(columns.AsSpan(row + rows * outW, padded - rows * outW).ToArray(), v => Assert.Equal(0f, v));
                                Assert.True(float.IsNaN(columns[row + padded]), "im2col wrote past the padded block");
                            }
                }
            }
        }

        [Fact]
        public void SgemmRefusesSpansShorterThanItsSizes()
        {
            var a = new float[4 * 8];
            var b = new float[8 * 32];
            var bias = new float[32];
            var c = new float[4 * 10];
            Sgemm.Multiply<BiasPerColumn, NoActivation>(a, 8, 4, 8, b, 32, 256, 10, bias, default, c, 10);
            Assert.Throws<ArgumentException>(() => Sgemm.Multiply<BiasPerColumn, NoActivation>(a, 8, 5, 8, b, 32, 256, 10, bias, default, c, 10));
            Assert.Throws<ArgumentException>(() => Sgemm.Multiply<BiasPerColumn, NoActivation>(a, 8, 4, 9, b, 32, 256, 10, bias, default, c, 10));
            Assert.Throws<ArgumentException>(() => Sgemm.Multiply<BiasPerColumn, NoActivation>(a, 8, 4, 8, b, 32, 256, 33, bias, default, c, 33));
            Assert.Throws<ArgumentException>(() => Sgemm.Multiply<BiasPerColumn, NoActivation>(a, 8, 4, 8, b, 32, 256, 10, bias.AsSpan(0, 16), default, c, 10));
            Assert.Throws<ArgumentException>(() => Sgemm.Multiply<BiasPerColumn, NoActivation>(a, 8, 4, 8, b, 32, 256, 10, bias, default, c, 11));
            Assert.Throws<ArgumentException>(() => Sgemm.Multiply<BiasPerRow, NoActivation>(a, 8, 4, 8, b, 32, 256, 10, bias.AsSpan(0, 3), default, c, 10));
        }

        [Fact]
        public void SgemmAndIm2ColAllocateNothing()
        {
            var a = new float[9 * 40];
            var b = new float[40 * 64];
            var bias = new float[64];
            var c = new float[9 * 50];
            var columns = new float[9 * 64];
            Sgemm.Multiply<BiasPerColumn, ReluOp>(a, 40, 9, 40, b, 32, 40 * 32, 50, bias, default, c, 50);
            Im2Col.Pack(a, 1, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6, 0, 6, columns, 64);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                Sgemm.Multiply<BiasPerColumn, ReluOp>(a, 40, 9, 40, b, 32, 40 * 32, 50, bias, default, c, 50);
                Im2Col.Pack(a, 1, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6, 0, 6, columns, 64);
            }
            Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        }

        private static float[] Values(int n, Random random) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        private static float[] Floats(byte[] bytes)
        {
            var values = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
            return values;
        }

        /// <summary>One of the runtime's activations (0 none, 1 Relu, 2 Clip(-0.5, 1.5), 3 HardSwish) and the GEMM instantiated with it.</summary>
        public sealed record FusedActivation(int Kind)
        {
            public float Apply(float x) => Kind switch
            {
                1 => new ReluOp().Apply(x),
                2 => new ClipOp(-0.5f, 1.5f).Apply(x),
                3 => new HardSwishOp().Apply(x),
                _ => x,
            };

            public void Multiply(bool perRow, float[] a, int lda, int rows, int depth, float[] b, int panelStride, int columns, float[] bias, float[] c, int ldc)
            {
                switch (Kind)
                {
                    case 1: Run(perRow, new ReluOp()); break;
                    case 2: Run(perRow, new ClipOp(-0.5f, 1.5f)); break;
                    case 3: Run(perRow, new HardSwishOp()); break;
                    default: Run(perRow, new NoActivation()); break;
                }

                void Run<TAct>(bool byRow, TAct act) where TAct : struct, IActivationOp
                {
                    if (byRow)
                        Sgemm.Multiply<BiasPerRow, TAct>(a, lda, rows, depth, b, Sgemm.PanelWidth, panelStride, columns, bias, act, c, ldc);
                    else
                        Sgemm.Multiply<BiasPerColumn, TAct>(a, lda, rows, depth, b, Sgemm.PanelWidth, panelStride, columns, bias, act, c, ldc);
                }
            }
        }
    }
}
