namespace Vigil.Classifiers.Onnx;

/// <summary>Models made in code, for tests and benchmarks (no trained model ships with Vigil: platforms bring licensed ones).</summary>
internal static class SyntheticModels
{
    /// <summary>
    /// Input <c>pixels</c> [N, 3, size, size]; output <c>means</c> [N, 3], each channel's mean value: with a scale of 1/255
    /// and no mean or std, an image's mean red, green and blue in 0..1.
    /// </summary>
    public static byte[] ChannelMeans(int size)
    {
        var g = new OnnxGraphBuilder().Input("pixels", -1, 3, size, size).Output("means", -1, 3);
        g.Node("ReduceMean", ["pixels"], "means", ("axes", new long[] { 2, 3 }), ("keepdims", 0L));
        return g.Build("channel-means");
    }

    /// <summary>Input <c>pixels</c> [N, 3, size, size]; output <c>brightness</c> [N], the mean over all channels and pixels.</summary>
    public static byte[] Brightness(int size, bool fixedBatch = false)
    {
        long batch = fixedBatch ? 1 : -1;
        var g = new OnnxGraphBuilder().Input("pixels", batch, 3, size, size).Output("brightness", batch);
        g.Node("ReduceMean", ["pixels"], "brightness", ("axes", new long[] { 1, 2, 3 }), ("keepdims", 0L));
        return g.Build("brightness");
    }

    /// <summary>
    /// A MobileNet-sized network with seeded random weights: input <c>pixels</c> [N, 3, 224, 224], five 3x3 convolutions
    /// of stride 2 (32 to 512 channels, ReLU), global average pooling and a dense layer to two logits <c>logits</c> [N, 2]
    /// (1.6 million weights, 6 MB, about 240 million multiply-adds per image: MobileNetV2 has 3.4 million and 300 million).
    /// </summary>
    public static byte[] ConvNet(int seed = 1)
    {
        var random = new Random(seed);
        var g = new OnnxGraphBuilder().Input("pixels", -1, 3, 224, 224).Output("logits", -1, 2);
        string x = "pixels";
        int channels = 3;
        foreach (int next in new[] { 32, 64, 128, 256, 512 })
        {
            // He initialisation keeps activations in range through the layers.
            float bound = (float)Math.Sqrt(6.0 / (channels * 9));
            string weights = g.Constant(RandomValues(random, next * channels * 9, bound), next, channels, 3, 3);
            string bias = g.Constant(new float[next], next);
            x = g.Node("Conv", [x, weights, bias], attributes: [("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 })]);
            x = g.Node("Relu", [x]);
            channels = next;
        }
        x = g.Node("GlobalAveragePool", [x]);
        x = g.Node("Flatten", [x], attributes: [("axis", 1L)]);
        string dense = g.Constant(RandomValues(random, 2 * channels, (float)Math.Sqrt(6.0 / channels)), 2, channels);
        string denseBias = g.Constant(new float[2], 2);
        g.Node("Gemm", [x, dense, denseBias], "logits", ("transB", 1L));
        return g.Build("convnet");
    }

    /// <summary>
    /// A text model: input <c>input_ids</c> [1, T] (int64), output <c>score</c> [1], the mean over the tokens of each
    /// token's weight in <paramref name="tokenWeights"/> (indexed by token id): a score the test can compute by hand.
    /// </summary>
    public static byte[] TokenWeights(float[] tokenWeights)
    {
        var g = new OnnxGraphBuilder().Int64Input("input_ids", 1, -1).Output("score", 1);
        string weights = g.Constant(tokenWeights, tokenWeights.Length);
        string perToken = g.Node("Gather", [weights, "input_ids"], attributes: [("axis", 0L)]);
        g.Node("ReduceMean", [perToken], "score", ("axes", new long[] { 1 }), ("keepdims", 0L));
        return g.Build("token-weights");
    }

    private static float[] RandomValues(Random random, int count, float bound)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
        return values;
    }
}
