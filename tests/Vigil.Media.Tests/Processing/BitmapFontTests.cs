using Vigil.Media.Processing;

namespace Vigil.Media.Tests.Processing;

/// <summary>The built-in 5x8 font.</summary>
public sealed class BitmapFontTests
{
    private static readonly Rgb Ink = new(200, 10, 30);

    /// <summary>The set pixels of <paramref name="text"/> drawn at (x, y) on a blank canvas.</summary>
    private static bool[,] Draw(string text, int scale, int width, int height, int x = 0, int y = 0)
    {
        var rgb = new byte[width * height * 3];
        BitmapFont.DrawText(rgb, width, height, x, y, text, scale, Ink);
        var set = new bool[width, height];
        for (var row = 0; row < height; row++)
            for (var column = 0; column < width; column++)
            {
                var i = ((row * width) + column) * 3;
                if (rgb[i] == 0 && rgb[i + 1] == 0 && rgb[i + 2] == 0)
                    continue;
                Assert.Equal([Ink.R, Ink.G, Ink.B], rgb[i..(i + 3)]);
                set[column, row] = true;
            }
        return set;
    }

    private static string Key(bool[,] set)
    {
        var chars = new char[set.Length];
        var i = 0;
        foreach (var b in set)
            chars[i++] = b ? '#' : '.';
        return new string(chars);
    }

    [Fact]
    public void Every_printable_character_but_space_has_ink_inside_its_cell_and_all_differ()
    {
        var seen = new Dictionary<string, char>();
        for (var c = ' '; c <= '~'; c++)
        {
            // A canvas larger than the cell, with the glyph drawn at (2, 3): nothing may fall outside the 5x8 cell.
            var set = Draw(c.ToString(), 1, 10, 14, 2, 3);
            var count = 0;
            for (var row = 0; row < 14; row++)
                for (var column = 0; column < 10; column++)
                    if (set[column, row])
                    {
                        count++;
                        Assert.InRange(column, 2, 2 + BitmapFont.GlyphWidth - 1);
                        Assert.InRange(row, 3, 3 + BitmapFont.GlyphHeight - 1);
                    }
            if (c == ' ')
                Assert.Equal(0, count);
            else
                Assert.True(count > 0, $"'{c}' draws nothing");
            Assert.True(seen.TryAdd(Key(set), c), $"'{c}' looks exactly like '{seen.GetValueOrDefault(Key(set))}'");
        }
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("A", 1)]
    [InlineData("jpeg-q30", 2)]
    [InlineData("crop-10-centre", 3)]
    public void Measured_width_is_characters_times_advance_times_scale(string text, int scale)
    {
        Assert.Equal((text.Length * BitmapFont.Advance * scale, BitmapFont.GlyphHeight * scale), BitmapFont.MeasureText(text, scale));
        Assert.Throws<ArgumentOutOfRangeException>(() => BitmapFont.MeasureText(text, 0));
    }

    [Fact]
    public void Only_descenders_and_tails_reach_the_bottom_row()
    {
        const int bottom = BitmapFont.GlyphHeight - 1;
        for (var c = ' '; c <= '~'; c++)
        {
            var set = Draw(c.ToString(), 1, BitmapFont.Advance, BitmapFont.GlyphHeight);
            var reaches = Enumerable.Range(0, BitmapFont.GlyphWidth).Any(column => set[column, bottom]);
            Assert.True(reaches == "gjpqy,;".Contains(c), $"'{c}' {(reaches ? "reaches" : "does not reach")} the descender row");
        }
    }

    [Fact]
    public void Text_advances_one_cell_per_character_and_scales_by_whole_pixels()
    {
        const int h = BitmapFont.GlyphHeight, advance = BitmapFont.Advance;
        var single = Draw("g", 1, advance, h);
        var pair = Draw("gg", 1, 2 * advance, h);
        var big = Draw("g", 3, 3 * advance, 3 * h);
        for (var row = 0; row < h; row++)
            for (var column = 0; column < advance; column++)
            {
                Assert.Equal(single[column, row], pair[column, row]);
                Assert.Equal(single[column, row], pair[column + advance, row]);
                for (var dy = 0; dy < 3; dy++)
                    for (var dx = 0; dx < 3; dx++)
                        Assert.Equal(single[column, row], big[(column * 3) + dx, (row * 3) + dy]);
            }
        // The sixth column is the gap between characters.
        Assert.All(Enumerable.Range(0, h), row => Assert.False(single[advance - 1, row]));
    }

    [Fact]
    public void Unknown_characters_are_drawn_as_a_question_mark()
    {
        var question = Key(Draw("?", 1, 6, 8));
        Assert.Equal(question, Key(Draw("\u00e9", 1, 6, 8)));
        Assert.Equal(question, Key(Draw("\n", 1, 6, 8)));
        Assert.Equal(question, Key(Draw("\u007f", 1, 6, 8)));
    }

    [Fact]
    public void Drawing_clips_at_the_edges_and_changes_only_glyph_pixels()
    {
        var rgb = new byte[8 * 5 * 3];
        Array.Fill(rgb, (byte)77);
        BitmapFont.DrawText(rgb, 8, 5, -3, -2, "WW", 2, Rgb.White);
        BitmapFont.DrawText(rgb, 8, 5, 100, 100, "far away", 1, Rgb.White);
        Assert.All(rgb, v => Assert.True(v is 77 or 255));
        Assert.Contains((byte)255, rgb);
        Assert.Throws<ArgumentException>(() => BitmapFont.DrawText(new byte[10], 8, 5, 0, 0, "x", 1, Rgb.White));
        Assert.Throws<ArgumentOutOfRangeException>(() => BitmapFont.DrawText(rgb, 8, 5, 0, 0, "x", 0, Rgb.White));
    }
}
