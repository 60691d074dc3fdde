using FsCheck;
using FsCheck.Fluent;
using Vigil.Video.Guard;

namespace Vigil.Video.Tests;

/// <summary>
/// <see cref="AudioDelayLine"/>: whatever the rates, the chunking and whether sound leads or lags the pictures, the
/// sound that leaves is the sound that came, sample for sample, silenced exactly under the blocked frames.
/// </summary>
public sealed class AudioDelayLineTests
{
    [Fact]
    public void Sound_leaves_as_it_came_and_silent_exactly_under_blocked_frames()
    {
        var cases =
            from fps in Gen.Elements(25.0, 30000.0 / 1001, 30.0, 60.0)
            from rate in Gen.Elements(8000, 44100, 48000)
            from blockAlign in Gen.Elements(2, 4)
            from frames in Gen.Choose(1, 80)
            from blocked in Gen.ArrayOf(Gen.Elements(false, false, true), frames)
            from extra in Gen.Choose(0, 3000)
            from chunking in Gen.ArrayOf(Gen.Choose(0, 4000), frames)
            from seed in Gen.Choose(0, int.MaxValue)
            select (fps, rate, blockAlign, blocked, extra, chunking, seed);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            double perFrame = c.rate / c.fps;
            int frames = c.blocked.Length;
            int totalSamples = (int)Math.Round(frames * perFrame) + c.extra;
            var input = new byte[totalSamples * c.blockAlign];
            new Random(c.seed).NextBytes(input);
            for (int i = 0; i < input.Length; i++)
                input[i] |= 1; // never silent by chance

            var line = new AudioDelayLine(c.rate, c.blockAlign, c.fps);
            var output = new List<byte>();
            int pushed = 0;
            for (int n = 0; n < frames; n++)
            {
                int samples = Math.Min(c.chunking[n], totalSamples - pushed);
                line.Push(input.AsSpan(pushed * c.blockAlign, samples * c.blockAlign));
                pushed += samples;
                line.FrameLeft(n, c.blocked[n]);
                output.AddRange(line.Take().ToArray());
            }
            line.Push(input.AsSpan(pushed * c.blockAlign));
            output.AddRange(line.Flush().ToArray());

            Assert.Equal(input.Length, output.Count);
            var expected = (byte[])input.Clone();
            for (int sample = 0; sample < totalSamples; sample++)
            {
                if (c.blocked[Math.Min(frames - 1, FrameOf(sample, perFrame))])
                    expected.AsSpan(sample * c.blockAlign, c.blockAlign).Clear();
            }
            int differs = expected.AsSpan().CommonPrefixLength(output.ToArray());
            Assert.True(differs == expected.Length, $"{c}: sample {differs / c.blockAlign} differs");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    /// <summary>The frame a sample plays under: frame n ends at sample round((n + 1) * samples per frame).</summary>
    private static int FrameOf(int sample, double perFrame)
    {
        int n = 0;
        while (sample >= (long)Math.Round((n + 1) * perFrame))
            n++;
        return n;
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioDelayLine(0, 2, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioDelayLine(48000, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioDelayLine(48000, 2, double.NaN));
        var line = new AudioDelayLine(48000, 4, 30);
        Assert.Throws<ArgumentException>(() => line.Push(new byte[6]));
        Assert.True(line.Take().IsEmpty); // nothing leaves before its frame has
        line.Push(new byte[1600 * 4]);
        Assert.True(line.Take().IsEmpty);
    }

    [Fact]
    public void A_bgr_check_sees_the_frame_in_rgb_order()
    {
        var seen = new List<byte[]>();
        var check = new BgrFrameCheck(new Recording(seen));
        Assert.False(check.IsHit([1, 2, 3, 4, 5, 6], 2, 1));
        Assert.Equal([3, 2, 1, 6, 5, 4], seen[0]);
    }

    private sealed class Recording(List<byte[]> seen) : IFrameCheck
    {
        public bool IsHit(ReadOnlySpan<byte> rgb, int width, int height)
        {
            seen.Add(rgb.ToArray());
            return false;
        }
    }
}
