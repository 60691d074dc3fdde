namespace Vigil.Exchanges.Tests;

/// <summary>
/// Seeded random damage to every sample, read as every format: the reader must finish quickly, yield
/// only well-formed items, and throw nothing (IOException aside, which a MemoryStream never raises).
/// </summary>
public class FuzzTests
{
    private const int MutationsPerSample = 300;

    private static readonly byte[] s_interesting = "\"<>{}[],\n\r\\&;:#= \t/!?-'"u8.ToArray().Concat(new byte[] { 0x00, 0xFF, 0xC3, 0xEF, 0xBB, 0xBF }).ToArray();

    public static TheoryData<string, int> SampleNames => new()
    {
        { "sample.te", 1 },
        { "sample.csv", 2 },
        { "ncmec-entries.xml", 3 },
        { "stopncii-page.json", 4 },
        { "stopncii-pages.json", 5 },
        { "stopncii-pages.jsonl", 6 },
    };

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void MutatedSamplesNeverThrowOrHang(string name, int seed)
    {
        var original = Samples.Bytes(name);
        var random = new Random(seed);
        for (int i = 0; i < MutationsPerSample; i++)
        {
            var mutated = original;
            int mutations = random.Next(1, 5);
            for (int m = 0; m < mutations; m++)
                mutated = Mutate(mutated, random);
            foreach (var format in HashListFormats.All)
                ReadBounded(mutated, format, $"{name} mutation {i}");
        }
    }

    [Fact]
    public void RandomBytesNeverThrowOrHang()
    {
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 2000)];
            random.NextBytes(bytes);
            if (i % 2 == 0)
            {
                // Mostly printable, to get past the first byte more often.
                for (int k = 0; k < bytes.Length; k++)
                    bytes[k] = s_interesting[bytes[k] % s_interesting.Length];
            }
            foreach (var format in HashListFormats.All)
                ReadBounded(bytes, format, $"random input {i}");
        }
    }

    private static void ReadBounded(byte[] bytes, HashListFormat format, string what)
    {
        var read = Task.Run(() =>
        {
            try
            {
                foreach (var item in HashListReader.Read(new MemoryStream(bytes), format))
                {
                    Assert.True(item.Line >= 1, $"{what} as {format}: line {item.Line}");
                    if (item.IsError)
                        Assert.StartsWith($"line {item.Line}: ", item.Error.Message);
                    else
                        Assert.All(item.Entry.Signals, s => Assert.True(s.Type.TryNormalize(s.Value, out var canonical, out _) && canonical == s.Value));
                }
            }
            catch (IOException)
            {
            }
        });
        bool finished;
        try
        {
            finished = read.Wait(TimeSpan.FromSeconds(20));
        }
        catch (AggregateException ex)
        {
            throw new Xunit.Sdk.XunitException($"{what} as {format} threw {ex.InnerException}\ninput (base64): {Convert.ToBase64String(bytes)}");
        }
        Assert.True(finished, $"{what} as {format} did not finish; input (base64): {Convert.ToBase64String(bytes)}");
    }

    private static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        int position = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
        switch (random.Next(6))
        {
            case 0 when bytes.Count > 0:
                bytes[position] = (byte)random.Next(256);
                break;
            case 1 when bytes.Count > 0:
                bytes[position] = s_interesting[random.Next(s_interesting.Length)];
                break;
            case 2:
                bytes.RemoveRange(position, Math.Min(random.Next(1, 40), bytes.Count - position));
                break;
            case 3:
                bytes.InsertRange(position, Enumerable.Range(0, random.Next(1, 8)).Select(_ => s_interesting[random.Next(s_interesting.Length)]));
                break;
            case 4 when bytes.Count > 0:
                int start = random.Next(bytes.Count);
                var slice = bytes.GetRange(start, Math.Min(random.Next(1, 200), bytes.Count - start));
                bytes.InsertRange(position, slice);
                break;
            default:
                bytes.RemoveRange(position, bytes.Count - position);
                break;
        }
        return [.. bytes];
    }
}
