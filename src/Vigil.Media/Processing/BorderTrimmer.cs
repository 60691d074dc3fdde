namespace Vigil.Media.Processing;

/// <summary>
/// Finds the picture inside uniform borders: letterbox bars (top and bottom), pillarbox bars (left and right) and
/// frames or padding of any one colour per side, so that the picture can be hashed on its own.
/// </summary>
public static class BorderTrimmer
{
    /// <summary>Rows and columns are judged on at most this many evenly spaced pixels.</summary>
    private const int MaxSamplesPerLine = 128;

    /// <summary>The most lines measured in one pass (columns are read row by row, a block of them at a time).</summary>
    private const int MaxBlockLines = 32;

    /// <summary>Borders are first walked in steps of the image's depth over this (see <c>CoarseStep</c>).</summary>
    private const int CoarseLines = 128;

    private const int MaxRounds = 6;

    private const int Top = 0;
    private const int Bottom = 1;
    private const int Left = 2;
    private const int Right = 3;

    /// <summary>
    /// The rectangle left after trimming each side's uniform border, or null when there is nothing worth trimming.
    /// </summary>
    /// <remarks>
    /// <para>Each side is trimmed on its own, from the image's edge inwards, a row (top, bottom) or column (left,
    /// right) at a time, each line judged on at most 128 evenly spaced pixels of it (in images 256 or more pixels deep
    /// every few lines first, then line by line near the end, so a feature thinner than 1/128 of the image inside a
    /// border is passed over):</para>
    /// <list type="bullet">
    /// <item>The side's border colour is the per-channel median of its outermost line, which must be flat: at
    /// least <see cref="BorderTrimOptions.MinMatchingShare"/> of its pixels within half the tolerance of it (a
    /// textured sea or lawn along the edge is not a border, however little it varies).</item>
    /// <item>A line is border while at least <see cref="BorderTrimOptions.MinMatchingShare"/> of its pixels are
    /// within <see cref="BorderTrimOptions.Tolerance"/> (largest difference over R, G, B) of the border colour and
    /// its mean colour is within a quarter of the tolerance of it. The first lets JPEG noise and ringing through;
    /// the second stops at a dark picture inside black bars and at a sky that slowly drifts away from its top
    /// row's colour.</item>
    /// <item>The uniform part ends at the first line that is not border. The picture starts at the first line
    /// from there, within the next 1% of lines (at least 3), of which at least half the pixels are more than half
    /// the tolerance from the border colour, or which steps away from the line before it: its median pixel changes
    /// by more than a quarter of the tolerance and more than twice as much as between the border's last two lines
    /// (a dark picture inside black bars). The trim goes up to that line, through any JPEG ringing or colour
    /// bleeding between. With no such line the side is not trimmed: a smooth gradient, or a sky with a tree
    /// poking into it, has no edge.</item>
    /// <item>A border thinner than <see cref="BorderTrimOptions.MinTrimPixels"/> or
    /// <see cref="BorderTrimOptions.MinTrimShare"/> of the image is not trimmed, except that it may be an outer
    /// line of another colour (a scaler's edge) in front of a real border, which is then trimmed with it.</item>
    /// <item>A side's lines span only what the other sides leave, so corners where two borders of different colours
    /// meet do not spoil either; starting from a first guess made on the middle half of each side, the sides are
    /// re-measured until they agree, or until they go round in a cycle, when each side takes its smallest trim in
    /// the cycle.</item>
    /// </list>
    /// <para>Null when no side is trimmed, when the image is uniform, or when what would be left is smaller than
    /// <see cref="BorderTrimOptions.MinRemainingShare"/> of the width or height or
    /// <see cref="BorderTrimOptions.MinRemainingPixels"/>. Never the whole image. The work grows with the
    /// borders' depth, not the image's area.</para>
    /// </remarks>
    /// <param name="image">The image; it is only read.</param>
    /// <param name="options">Thresholds; null for <see cref="BorderTrimOptions.Default"/>.</param>
    /// <returns>The picture's rectangle, inside the image and not the whole of it; or null.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its documented range.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="image"/> has been disposed.</exception>
    public static PixelRect? Find(RgbImage image, BorderTrimOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Find(image.Pixels, image.Width, image.Height, options);
    }

    /// <summary>
    /// As <see cref="Find(RgbImage, BorderTrimOptions?)"/>, on packed 8-bit RGB rows (3 bytes a pixel, no padding):
    /// a decoded video frame, say.
    /// </summary>
    /// <param name="rgb">Exactly <paramref name="width"/> * <paramref name="height"/> * 3 bytes; only read.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="options">Thresholds; null for <see cref="BorderTrimOptions.Default"/>.</param>
    /// <returns>The picture's rectangle, inside the image and not the whole of it; or null.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive, or an option is outside its documented range.</exception>
    /// <exception cref="ArgumentException"><paramref name="rgb"/> has the wrong length.</exception>
    public static PixelRect? Find(ReadOnlySpan<byte> rgb, int width, int height, BorderTrimOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgb.Length != (long)width * height * 3)
        {
            throw new ArgumentException($"expected {(long)width * height * 3} bytes for {width}x{height} RGB, got {rgb.Length}", nameof(rgb));
        }

        options ??= BorderTrimOptions.Default;
        options.Validate();
        if (width < options.MinRemainingPixels || height < options.MinRemainingPixels)
        {
            return null;
        }

        var scanner = new Scanner(rgb, width, height, options);

        // The first guess measures each side on the middle half of its lines only, so that two borders of different
        // colours meeting at a corner cannot hide each other; every later round measures on what the other sides leave.
        Span<int> trims = stackalloc int[4];
        for (var side = Top; side <= Right; side++)
        {
            var length = scanner.LineLength(side);
            trims[side] = scanner.Guess(side, length / 4, length - (length / 4));
            if (trims[side] < 0)
            {
                return null;
            }
        }

        // What each side was last measured on, and what came of it: a side whose span has not changed is not re-measured.
        Span<int> spanStarts = stackalloc int[4];
        Span<int> spanEnds = stackalloc int[4];
        Span<int> next = stackalloc int[4];
        Span<int> history = stackalloc int[MaxRounds * 4];
        spanEnds.Fill(-1);
        for (var round = 0; round < MaxRounds; round++)
        {
            for (var side = Top; side <= Right; side++)
            {
                var (start, end) = side is Top or Bottom
                    ? (trims[Left], width - trims[Right])
                    : (trims[Top], height - trims[Bottom]);
                if (end - start < options.MinRemainingPixels)
                {
                    // The other sides' guesses leave next to nothing: measure on the whole line instead.
                    (start, end) = (0, scanner.LineLength(side));
                }

                if (start != spanStarts[side] || end != spanEnds[side])
                {
                    (spanStarts[side], spanEnds[side]) = (start, end);
                    next[side] = scanner.Trim(side, start, end);
                    if (next[side] < 0)
                    {
                        return null;
                    }
                }
            }

            if (next.SequenceEqual(trims))
            {
                return scanner.Result(trims);
            }

            // A noisy line next to the picture can be border on one span and not on another: the top trimmed a line
            // less widens the left side's span, which then trims a line less, which moves the top's span back, and
            // round it goes. Every answer in the cycle has the picture's edge within those lines; keep, per side,
            // the one that cuts least.
            trims.CopyTo(history.Slice(round * 4, 4));
            for (var earlier = 0; earlier <= round; earlier++)
            {
                if (next.SequenceEqual(history.Slice(earlier * 4, 4)))
                {
                    for (var state = earlier; state <= round; state++)
                    {
                        for (var side = Top; side <= Right; side++)
                        {
                            next[side] = Math.Min(next[side], history[(state * 4) + side]);
                        }
                    }

                    return scanner.Result(next);
                }
            }

            next.CopyTo(trims);
        }

        return null;
    }

    /// <summary>Measures rows and columns of one image against the options.</summary>
    private readonly ref struct Scanner
    {
        private readonly ReadOnlySpan<byte> _pixels;
        private readonly int _width;
        private readonly int _height;
        private readonly BorderTrimOptions _options;
        private readonly int _tolerance;
        private readonly int _maxDrift;
        private readonly int _edgeDeviation;

        public Scanner(ReadOnlySpan<byte> pixels, int width, int height, BorderTrimOptions options)
        {
            _pixels = pixels;
            _width = width;
            _height = height;
            _options = options;
            _tolerance = options.Tolerance;
            _maxDrift = Math.Max(1, options.Tolerance / 4);
            _edgeDeviation = Math.Max(1, options.Tolerance / 2);
        }

        /// <summary>How many pixels one line of this side has.</summary>
        public int LineLength(int side) => side is Top or Bottom ? _width : _height;

        /// <summary>How many lines deep this side's border can go: the image's height or width.</summary>
        private int Depth(int side) => side is Top or Bottom ? _height : _width;

        private int MinTrim(int side) => Math.Max(_options.MinTrimPixels, (int)Math.Ceiling(Depth(side) * _options.MinTrimShare));

        /// <summary>The deepest border that still leaves enough of the image.</summary>
        private int MaxTrim(int side)
        {
            var depth = Depth(side);
            return depth - Math.Max(_options.MinRemainingPixels, (int)Math.Ceiling(depth * _options.MinRemainingShare));
        }

        /// <summary>
        /// A first guess at a side's border on lines spanning [start, end), without the edge test; -1 when even
        /// this leaves too little (nothing of any size differs from the border there).
        /// </summary>
        public int Guess(int side, int start, int end)
        {
            var max = MaxTrim(side);
            if (max < 1 || end <= start)
            {
                return 0;
            }

            var depth = BorderEnd(side, 0, LineColour(side, 0, start, end), start, end, max + 1);
            return depth > max ? -1 : depth;
        }

        /// <summary>A side's trim on lines spanning [start, end): 0 for none, -1 when the border leaves too little.</summary>
        public int Trim(int side, int start, int end)
        {
            var max = MaxTrim(side);
            if (max < 1)
            {
                return 0;
            }

            var colour = LineColour(side, 0, start, end);
            var depth = BorderEnd(side, 0, colour, start, end, max + 1);
            if (depth > 0 && depth < MinTrim(side))
            {
                // Perhaps a thin outer line of its own colour in front of the real border.
                var innerColour = LineColour(side, depth, start, end);
                var innerDepth = BorderEnd(side, depth, innerColour, start, end, max + 1);
                if (innerDepth > depth)
                {
                    (colour, depth) = (innerColour, innerDepth);
                }
            }

            if (depth > max)
            {
                return -1;
            }

            if (depth < MinTrim(side))
            {
                return 0;
            }

            var pictureStart = PictureStart(side, depth, colour, start, end);
            return pictureStart > max ? -1 : Math.Max(0, pictureStart);
        }

        public PixelRect? Result(ReadOnlySpan<int> trims)
        {
            if (trims[Top] == 0 && trims[Bottom] == 0 && trims[Left] == 0 && trims[Right] == 0)
            {
                return null;
            }

            var width = _width - trims[Left] - trims[Right];
            var height = _height - trims[Top] - trims[Bottom];
            var minWidth = Math.Max(_options.MinRemainingPixels, (int)Math.Ceiling(_width * _options.MinRemainingShare));
            var minHeight = Math.Max(_options.MinRemainingPixels, (int)Math.Ceiling(_height * _options.MinRemainingShare));
            return width < minWidth || height < minHeight ? null : new PixelRect(trims[Left], trims[Top], width, height);
        }

        /// <summary>
        /// The first line from <paramref name="from"/> that is not border of <paramref name="colour"/>, or
        /// <paramref name="limit"/>: lines are looked at every <see cref="CoarseStep"/>, then one by one after the
        /// last coarse line that was border.
        /// </summary>
        private int BorderEnd(int side, int from, Rgb colour, int start, int end, int limit)
        {
            var step = CoarseStep(side);
            Span<LineStats> block = stackalloc LineStats[MaxBlockLines];
            var lastBorder = from - 1;
            var depth = from;

            // Coarse lines a block at a time (so that one read of a row serves many columns), the blocks growing
            // from one line so that a side without a border costs one line.
            for (var size = 1; depth < limit; size = Math.Min(MaxBlockLines, size * 2))
            {
                var count = Math.Min(size, ((limit - depth - 1) / step) + 1);
                Measure(side, depth, block[..count], colour, start, end, step);
                var i = 0;
                while (i < count && IsBorder(block[i], colour) && (depth + i > from || IsFlat(block[i])))
                {
                    i++;
                }

                if (i > 0)
                {
                    lastBorder = depth + ((i - 1) * step);
                }

                depth += i * step;
                if (i < count)
                {
                    break;
                }
            }

            depth = Math.Min(depth, limit);
            for (var first = lastBorder + 1; first < depth; first += MaxBlockLines)
            {
                var count = Math.Min(MaxBlockLines, depth - first);
                Measure(side, first, block[..count], colour, start, end);
                for (var i = 0; i < count; i++)
                {
                    if (!IsBorder(block[i], colour))
                    {
                        return first + i;
                    }
                }
            }

            return depth;
        }

        /// <summary>Borders are walked every this many lines (1 in images under 256 lines deep), then refined line by line.</summary>
        private int CoarseStep(int side) => Math.Max(1, Depth(side) / CoarseLines);

        private bool IsBorder(in LineStats line, Rgb colour)
        {
            if (line.Matching < _options.MinMatchingShare * line.Samples)
            {
                return false;
            }

            var allowed = _maxDrift * line.Samples;
            return Math.Abs(line.SumR - (colour.R * line.Samples)) <= allowed
                && Math.Abs(line.SumG - (colour.G * line.Samples)) <= allowed
                && Math.Abs(line.SumB - (colour.B * line.Samples)) <= allowed;
        }

        /// <summary>Whether nearly all of a line is within half the tolerance of the colour: noise, not texture.</summary>
        private bool IsFlat(in LineStats line) => line.Samples - line.Differing >= _options.MinMatchingShare * line.Samples;

        /// <summary>
        /// The first line, from <paramref name="depth"/> and within the next 1% of lines, where the picture starts:
        /// most of it is clearly (over half the tolerance) not the border colour, or most of it steps away from the
        /// line before by more than the border's own noise; -1 if there is none.
        /// </summary>
        private int PictureStart(int side, int depth, Rgb colour, int start, int end)
        {
            // A step: the median pixel changes by over a quarter of the tolerance, and by over twice what it does
            // between the border's last two lines. A drifting sky changes little from line to line, and a tree
            // poking into it changes only a few pixels.
            var noise = depth >= 2 ? MedianChange(side, depth - 1, start, end) : 0;
            var step = Math.Max(_maxDrift, (2 * noise) + 1);
            var last = Math.Min(Depth(side), depth + Math.Max(3, (int)Math.Ceiling(Depth(side) * 0.01)));
            Span<LineStats> block = stackalloc LineStats[MaxBlockLines];
            var firstStep = -1;
            for (var from = depth; from < last; from += MaxBlockLines)
            {
                var count = Math.Min(MaxBlockLines, last - from);
                Measure(side, from, block[..count], colour, start, end);
                for (var i = 0; i < count; i++)
                {
                    if (block[i].Differing * 2 >= block[i].Samples)
                    {
                        return from + i;
                    }

                    if (firstStep < 0 && from + i > 0 && MedianChange(side, from + i, start, end) > step)
                    {
                        firstStep = from + i;
                    }
                }
            }

            return firstStep;
        }

        /// <summary>The median, over a line's samples, of the largest channel change from the same pixel of the line before.</summary>
        private int MedianChange(int side, int depth, int start, int end)
        {
            Span<byte> changes = stackalloc byte[MaxSamplesPerLine];
            var step = Step(end - start);
            var count = 0;
            for (var position = start + (step / 2); position < end; position += step)
            {
                int here = Offset(side, depth, position), before = Offset(side, depth - 1, position);
                changes[count++] = (byte)Math.Max(
                    Math.Abs(_pixels[here] - _pixels[before]),
                    Math.Max(Math.Abs(_pixels[here + 1] - _pixels[before + 1]), Math.Abs(_pixels[here + 2] - _pixels[before + 2])));
            }

            changes[..count].Sort();
            return count == 0 ? 0 : changes[count / 2];
        }

        /// <summary>Per-channel median of a line's sampled pixels.</summary>
        private Rgb LineColour(int side, int depth, int start, int end)
        {
            Span<int> histograms = stackalloc int[3 * 256];
            histograms.Clear();
            var step = Step(end - start);
            var samples = 0;
            for (var position = start + (step / 2); position < end; position += step)
            {
                var offset = Offset(side, depth, position);
                histograms[_pixels[offset]]++;
                histograms[256 + _pixels[offset + 1]]++;
                histograms[512 + _pixels[offset + 2]]++;
                samples++;
            }

            return new Rgb(Median(histograms[..256], samples), Median(histograms.Slice(256, 256), samples), Median(histograms[512..], samples));
        }

        private static int Median(ReadOnlySpan<int> histogram, int samples)
        {
            var half = (samples + 1) / 2;
            var seen = 0;
            for (var value = 0; value < 256; value++)
            {
                seen += histogram[value];
                if (seen >= half)
                {
                    return value;
                }
            }

            return 255;
        }

        /// <summary>
        /// Statistics against a colour of lines <paramref name="depth"/>, <paramref name="depth"/> +
        /// <paramref name="lineStep"/>, ... (one per element of <paramref name="lines"/>).
        /// </summary>
        private void Measure(int side, int depth, Span<LineStats> lines, Rgb colour, int start, int end, int lineStep = 1)
        {
            var pixels = _pixels;
            int tolerance = _tolerance, edgeDeviation = _edgeDeviation;
            int red = colour.R, green = colour.G, blue = colour.B;
            var step = Step(end - start);
            var first = start + (step / 2);
            if (side is Top or Bottom)
            {
                for (var i = 0; i < lines.Length; i++)
                {
                    int samples = 0, matching = 0, differing = 0, sumR = 0, sumG = 0, sumB = 0;
                    var offset = Offset(side, depth + (i * lineStep), first);
                    for (var position = first; position < end; position += step, offset += step * 3)
                    {
                        int r = pixels[offset], g = pixels[offset + 1], b = pixels[offset + 2];
                        var deviation = Math.Max(Math.Abs(r - red), Math.Max(Math.Abs(g - green), Math.Abs(b - blue)));
                        samples++;
                        matching += deviation <= tolerance ? 1 : 0;
                        differing += deviation > edgeDeviation ? 1 : 0;
                        sumR += r;
                        sumG += g;
                        sumB += b;
                    }

                    lines[i] = new LineStats { Samples = samples, Matching = matching, Differing = differing, SumR = sumR, SumG = sumG, SumB = sumB };
                }

                return;
            }

            // Columns: read each sampled row once for the whole block, so memory is read along rows.
            lines.Clear();
            var direction = (side == Left ? 3 : -3) * lineStep;
            var rowOffset = Offset(side, depth, first);
            for (var position = first; position < end; position += step, rowOffset += step * _width * 3)
            {
                for (int i = 0, offset = rowOffset; i < lines.Length; i++, offset += direction)
                {
                    int r = pixels[offset], g = pixels[offset + 1], b = pixels[offset + 2];
                    var deviation = Math.Max(Math.Abs(r - red), Math.Max(Math.Abs(g - green), Math.Abs(b - blue)));
                    ref var line = ref lines[i];
                    line.Samples++;
                    line.Matching += deviation <= tolerance ? 1 : 0;
                    line.Differing += deviation > edgeDeviation ? 1 : 0;
                    line.SumR += r;
                    line.SumG += g;
                    line.SumB += b;
                }
            }
        }

        private static int Step(int length) => Math.Max(1, (length + MaxSamplesPerLine - 1) / MaxSamplesPerLine);

        /// <summary>The byte offset of the pixel <paramref name="position"/> along line <paramref name="depth"/> of a side.</summary>
        private int Offset(int side, int depth, int position)
        {
            var (x, y) = side switch
            {
                Top => (position, depth),
                Bottom => (position, _height - 1 - depth),
                Left => (depth, position),
                _ => (_width - 1 - depth, position),
            };
            return ((y * _width) + x) * 3;
        }
    }

    private readonly record struct Rgb(int R, int G, int B);

    /// <summary>One line's sampled pixels against a border colour (sums fit: at most 128 samples of 255).</summary>
    private struct LineStats
    {
        public int Samples;
        public int Matching;
        public int Differing;
        public int SumR;
        public int SumG;
        public int SumB;
    }
}
