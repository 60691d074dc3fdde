using Vigil.Media.Tests.Support;
using Xunit.Abstractions;

namespace Vigil.Media.Tests;

/// <summary>
/// Damaged real files (bytes flipped, overwritten, cut short) must either decode or fail with an
/// <see cref="ImageDecodeException"/>: never another exception type, never a crash, never a hang.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PerCallLimit = TimeSpan.FromSeconds(30);

    private static List<(string Name, byte[] Data)> Corpus()
    {
        var corpus = new List<(string, byte[])>
        {
            ("square-128x128.jpg", Fixtures.Read(Fixtures.SmallJpeg)),
            ("rgb.jpeg", Fixtures.Read(Fixtures.Rgb256Jpeg)),
            ("wee.jpg", Fixtures.Read("pdq/data/misc-images/wee.jpg")),
            ("LA.png", Fixtures.Read(Fixtures.LaPng)),
            ("I16.png", Fixtures.Read(Fixtures.I16Png)),
        };

        // A small palette PNG and a small RGB PNG, generated here.
        var random = new Random(3);
        var palette = new byte[16 * 3];
        random.NextBytes(palette);
        corpus.Add(("palette.png", PngWriter.Encode(48, 40, PngWriter.Palette, 4, Enumerable.Range(0, 48 * 40).Select(i => (i / 7) % 16).ToArray(), palette)));
        corpus.Add(("gradient.png", PngWriter.Encode(64, 48, PngWriter.Rgb, 8, Enumerable.Range(0, 64 * 48 * 3).Select(i => (i * 7) % 256).ToArray())));

        if (Tools.Convert is not null)
        {
            using var dir = new Vigil.Testing.TempDirectory();
            var source = Fixtures.Path_(Fixtures.SmallJpeg);
            foreach (var (name, extra) in new[]
            {
                ("small.webp", new[] { "-quality", "80" }),
                ("lossless.webp", new[] { "-define", "webp:lossless=true" }),
                ("small.gif", Array.Empty<string>()),
                ("small.tif", Array.Empty<string>()),
                ("small.bmp", Array.Empty<string>()),
            })
            {
                Tools.RunConvert([source, "-resize", "64x64", .. extra, dir.File(name)]);
                corpus.Add((name, File.ReadAllBytes(dir.File(name))));
            }
        }
        else
        {
            corpus.Add(("F.webp", Fixtures.Read(Fixtures.WebpF)));
        }

        return corpus;
    }

    [Fact]
    public async Task DamagedFilesOnlyEverFailWithImageDecodeException()
    {
        var corpus = Corpus();
        var random = new Random(20240607);
        var outcomes = new Dictionary<string, int>();
        const int iterations = 1200;

        // A low pixel limit keeps damaged headers that claim huge sizes from making the test slow.
        using var decoder = new ImageDecoder(new DecodeOptions { MaxPixels = 4_000_000 });
        var clean = corpus.Select(c =>
        {
            using var image = decoder.Decode(c.Data);
            return image.Pixels.ToArray();
        }).ToArray();

        for (var iteration = 0; iteration < iterations; iteration++)
        {
            if (iteration % 10 == 9)
            {
                // The same decoder must still decode the undamaged files exactly: no state left behind by failures.
                var which = iteration / 10 % corpus.Count;
                using var again = decoder.Decode(corpus[which].Data);
                Assert.True(again.Pixels.SequenceEqual(clean[which]), $"iteration {iteration}: {corpus[which].Name} no longer decodes the same after damaged input");
            }

            var (name, original) = corpus[iteration % corpus.Count];
            var (data, mutation) = Mutate(original, random);
            var task = Task.Run(() =>
            {
                try
                {
                    using var image = decoder.Decode(data);
                    Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length);
                    return "decoded";
                }
                catch (ImageDecodeException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                    return e.Kind.ToString();
                }
            });

            if (await Task.WhenAny(task, Task.Delay(PerCallLimit)) != task)
            {
                Assert.Fail($"iteration {iteration}: decoding {name} ({mutation}) took longer than {PerCallLimit.TotalSeconds} s");
            }

            string key;
            try
            {
                key = await task;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {iteration}: decoding {name} ({mutation}) threw {e}");
                throw;
            }

            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        output.WriteLine($"{iterations} damaged files from {corpus.Count} originals ({string.Join(", ", corpus.Select(c => c.Name))}):");
        foreach (var (kind, count) in outcomes.OrderByDescending(o => o.Value))
        {
            output.WriteLine($"  {kind}: {count}");
        }

        Assert.True(outcomes.Count > 1, "the mutations should produce a mix of outcomes");
    }

    private static (byte[] Data, string Mutation) Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0:
            {
                var flips = random.Next(1, 12);
                for (var i = 0; i < flips; i++)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return (data, $"{flips} bits flipped");
            }

            case 1:
            {
                var cut = random.Next(1, data.Length);
                return (data[..cut], $"cut to {cut} of {data.Length} bytes");
            }

            case 2:
            {
                // Damage the header area, where sizes and offsets live.
                var count = random.Next(1, 6);
                for (var i = 0; i < count; i++)
                {
                    data[random.Next(Math.Min(64, data.Length))] = (byte)random.Next(256);
                }

                return (data, $"{count} header bytes replaced");
            }

            case 3:
            {
                var start = random.Next(data.Length);
                var length = Math.Min(random.Next(1, 256), data.Length - start);
                random.NextBytes(data.AsSpan(start, length));
                return (data, $"{length} bytes at {start} randomised");
            }

            default:
            {
                for (var i = 0; i < 4; i++)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }

                var cut = random.Next(1, data.Length);
                return (data[..cut], $"bytes replaced and cut to {cut}");
            }
        }
    }
}
