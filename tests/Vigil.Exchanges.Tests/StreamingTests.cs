using System.Text;

namespace Vigil.Exchanges.Tests;

/// <summary>
/// Reading must be lazy and bounded: from a stream that never ends, the first entries come out after
/// only a little of it has been read.
/// </summary>
public class StreamingTests
{
    private static string Hex(long i, int length) => i.ToString("x").PadLeft(length, '0');

    private static string NcmecEntry(long i) =>
        $"<image><member id=\"1\">M</member><id>e{i}</id><fingerprints><md5>{Hex(i, 32)}</md5></fingerprints></image>\n";

    private static string StopNciiPage(long i) =>
        $"{{\"count\": 1, \"hashRecords\": [{{\"signalType\": \"ImagePDQ\", \"hashValue\": \"{Hex(i, 64)}\", \"hashStatus\": \"Active\"}}]}}";

    public static TheoryData<HashListFormat, string, int> EndlessFiles => new()
    {
        { HashListFormat.Te, "te", 2 },
        { HashListFormat.Csv, "csv", 2 },
        { HashListFormat.NcmecXml, "ncmec", 3 },
        { HashListFormat.StopNciiJson, "stopncii-array", 2 },
        { HashListFormat.StopNciiJson, "stopncii-lines", 1 },
    };

    [Theory]
    [MemberData(nameof(EndlessFiles))]
    public void EntriesComeOutBeforeTheEndOfAnEndlessFile(HashListFormat format, string shape, int firstLine)
    {
        var stream = shape switch
        {
            "te" => new EndlessStream("# endless\n", i => $"pdq {Hex(i, 64)}\n"),
            "csv" => new EndlessStream("pdq,note\n", i => $"{Hex(i, 64)},\"row {i}\"\n"),
            "ncmec" => new EndlessStream("<queryResult>\n<images>\n", NcmecEntry),
            "stopncii-array" => new EndlessStream("[\n", i => StopNciiPage(i) + ",\n"),
            _ => new EndlessStream("", i => StopNciiPage(i) + "\n"),
        };

        var items = HashListReader.Read(stream, format).Take(1000).ToList();

        Assert.All(items, item => Assert.False(item.IsError, item.ToString()));
        Assert.Equal(Enumerable.Range(firstLine, 1000), items.Select(i => i.Line));
        Assert.True(stream.BytesRead < 1 << 20, $"read {stream.BytesRead} bytes for 1000 entries");
    }

    /// <summary>A prefix, then chunk(0), chunk(1), ... forever; counts what was read.</summary>
    private sealed class EndlessStream(string prefix, Func<long, string> chunk) : Stream
    {
        private byte[] _pending = Encoding.UTF8.GetBytes(prefix);
        private int _offset;
        private long _next;

        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_offset == _pending.Length)
            {
                _pending = Encoding.UTF8.GetBytes(chunk(_next++));
                _offset = 0;
            }
            int n = Math.Min(count, _pending.Length - _offset);
            Array.Copy(_pending, _offset, buffer, offset, n);
            _offset += n;
            BytesRead += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
