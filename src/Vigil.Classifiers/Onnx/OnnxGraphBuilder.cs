using System.Runtime.InteropServices;

namespace Vigil.Classifiers.Onnx;

/// <summary>
/// Writes small ONNX models (opset 13, float tensors) from a list of nodes, so that tests and <c>vigil bench classify</c>
/// can make the models they run instead of shipping or downloading any: a model whose score is an image's mean
/// brightness (its expected score is known for every fixture), and a MobileNet-sized convolutional network with
/// seeded random weights (it has seen no data at all) for measuring throughput.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private const int FloatType = 1;
    private const int Int64Type = 7;
    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];
    private int _names;

    /// <summary>A float input of the given shape (a negative dimension is free, named <c>N</c>).</summary>
    public OnnxGraphBuilder Input(string name, params long[] shape)
    {
        _inputs.Add(ValueInfo(name, shape));
        return this;
    }

    /// <summary>A 64-bit integer input (token ids) of the given shape.</summary>
    public OnnxGraphBuilder Int64Input(string name, params long[] shape)
    {
        _inputs.Add(ValueInfo(name, shape, Int64Type));
        return this;
    }

    /// <summary>A float output of the given shape.</summary>
    public OnnxGraphBuilder Output(string name, params long[] shape)
    {
        _outputs.Add(ValueInfo(name, shape));
        return this;
    }

    /// <summary>A constant float tensor, returning its name.</summary>
    public string Constant(ReadOnlySpan<float> values, params long[] shape)
    {
        string name = $"w{_names++}";
        var tensor = new ProtoWriter().PackedVarints(1, shape).Varint(2, FloatType).String(8, name)
            .Bytes(9, MemoryMarshal.AsBytes(values));
        _initializers.Add(tensor);
        return name;
    }

    /// <summary>A node <paramref name="op"/> over <paramref name="inputs"/>, returning its output's name (or <paramref name="output"/>).</summary>
    public string Node(string op, string[] inputs, string? output = null, params (string Name, object Value)[] attributes)
    {
        output ??= $"t{_names++}";
        var node = new ProtoWriter();
        foreach (string input in inputs)
            node.String(1, input);
        node.String(2, output).String(3, $"n{_names++}").String(4, op);
        foreach (var (name, value) in attributes)
        {
            var attribute = new ProtoWriter().String(1, name);
            switch (value)
            {
                case long i:
                    attribute.Varint(3, i).Varint(20, 2);
                    break;
                case long[] ints:
                    attribute.PackedVarints(8, ints).Varint(20, 7);
                    break;
                case float f:
                    attribute.Float(2, f).Varint(20, 1);
                    break;
                default:
                    throw new ArgumentException($"attribute {name}: {value.GetType().Name} is not supported");
            }
            node.Message(5, attribute);
        }
        _nodes.Add(node);
        return output;
    }

    /// <summary>The model file's bytes.</summary>
    public byte[] Build(string graphName)
    {
        var graph = new ProtoWriter();
        foreach (var node in _nodes)
            graph.Message(1, node);
        graph.String(2, graphName);
        foreach (var initializer in _initializers)
            graph.Message(5, initializer);
        foreach (var input in _inputs)
            graph.Message(11, input);
        foreach (var output in _outputs)
            graph.Message(12, output);
        return new ProtoWriter()
            .Varint(1, 8) // IR version 8
            .String(2, "vigil")
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Varint(2, 13))
            .ToArray();
    }

    private static ProtoWriter ValueInfo(string name, long[] shape, int elementType = FloatType)
    {
        var dims = new ProtoWriter();
        int free = 0;
        foreach (long d in shape)
            dims.Message(1, d < 0 ? new ProtoWriter().String(2, free++ == 0 ? "N" : $"N{free}") : new ProtoWriter().Varint(1, d));
        var tensor = new ProtoWriter().Varint(1, elementType).Message(2, dims);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensor));
    }
}
