using System.Buffers;

namespace Vigil.Media.Processing;

/// <summary>
/// Finds the main picture on a larger plain canvas: a screenshot of a page, a collage cell on a plain
/// background, a post with a caption block above or below it.
/// </summary>
public static class ContentRegionFinder
{
    /// <summary>The busy mask is made on a grid of at most this many points a side.</summary>
    private const int MaxGridSide = 512;

    /// <summary>Full-resolution rows and columns are judged on at most this many evenly spaced pixels.</summary>
    private const int MaxSamplesPerLine = 512;

    /// <summary>Each line of the outer frame gives at most this many samples for the canvas colour.</summary>
    private const int FrameSamplesPerLine = 256;

    /// <summary>A row of the whole image belongs to the first band when this share of it is busy.</summary>
    private const double FirstBandShare = 0.1;

    /// <summary>Once the band is known, a row (column) belongs to the picture when this share of its span is busy.</summary>
    private const double PictureLineShare = 0.3;

    /// <summary>A run of busy rows or columns shorter than this share of the image is text or an ornament, not a picture.</summary>
    private const double MinRunShare = 0.03;

    /// <summary>At least this share of the picture must be busy.</summary>
    private const double MinBusyInside = 0.4;

    /// <summary>At least this share of the rest of the image must be canvas (the remainder is text, icons, other collage cells).</summary>
    private const double MinCanvasOutside = 0.5;

    /// <summary>
    /// At least this share of the canvas points outside the picture must have canvas as the next point along the
    /// row too: a plain background is solid, while a dithered or finely textured area only scatters canvas-coloured
    /// pixels.
    /// </summary>
    private const double MinSolidCanvas = 0.8;

    private const int MaxIterations = 4;

    /// <summary>
    /// The main picture's rectangle, or null when the image is not a picture on a plain canvas (a normal
    /// full-bleed photo, for instance).
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>The canvas colour is the dominant colour of the image's outer frame (its outermost two rows and
    /// columns on each side), which must cover at least <see cref="RegionFindOptions.MinFrameShare"/> of it.</item>
    /// <item>A pixel is busy when it is more than <see cref="RegionFindOptions.Tolerance"/> (largest difference
    /// over R, G, B) from the canvas colour; busyness is sampled on a grid of at most 512 × 512 points.</item>
    /// <item>The picture is found by projections on that grid: the heaviest run of rows of which at least 10% is
    /// busy, then within those rows the heaviest run of columns of which at least 30% is busy, then within those
    /// columns the heaviest run of rows at 30%, and so on until it settles. Runs shorter than 3% of the image
    /// are never chosen, and a run ends at the first line of canvas, so lines of text above or below the picture
    /// (with canvas between) are not merged into it.</item>
    /// <item>Each edge is then placed at full resolution: the last row (column) at least 30% busy before the
    /// canvas.</item>
    /// <item>The result must be picture-like: at least <see cref="RegionFindOptions.MinPicturePixels"/> a side,
    /// <see cref="RegionFindOptions.MinAreaShare"/> to <see cref="RegionFindOptions.MaxAreaShare"/> of the image,
    /// at most <see cref="RegionFindOptions.MaxAspectRatio"/> long, at least 40% busy inside; and the rest of the
    /// image must be a plain canvas: at least half of it within the tolerance of the canvas colour (the rest being
    /// text, icons or other collage cells), that part on average within a third of the tolerance (a sky or a wall
    /// that only resembles a canvas varies more), and solid: at least 80% of its sampled points followed along the
    /// row by canvas again (a dithered or finely textured photo only scatters pixels of one colour).</item>
    /// </list>
    /// <para>The work is about half a million sampled pixels (the grid twice), whatever the image's size.</para>
    /// </remarks>
    /// <param name="image">The image; it is only read.</param>
    /// <param name="options">Thresholds; null for <see cref="RegionFindOptions.Default"/>.</param>
    /// <returns>The picture's rectangle, inside the image and not the whole of it; or null.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its documented range.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="image"/> has been disposed.</exception>
    public static PixelRect? Find(RgbImage image, RegionFindOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= RegionFindOptions.Default;
        options.Validate();
        if (image.Width < options.MinPicturePixels || image.Height < options.MinPicturePixels)
        {
            return null;
        }

        var stepX = (image.Width + MaxGridSide - 1) / MaxGridSide;
        var stepY = (image.Height + MaxGridSide - 1) / MaxGridSide;
        var gridWidth = (image.Width + stepX - 1) / stepX;
        var gridHeight = (image.Height + stepY - 1) / stepY;
        var busy = ArrayPool<byte>.Shared.Rent(gridWidth * gridHeight);
        try
        {
            var finder = new Finder(image.Pixels, image.Width, image.Height, options, busy.AsSpan(0, gridWidth * gridHeight), gridWidth, gridHeight, stepX, stepY);
            return finder.Find();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(busy);
        }
    }

    /// <summary>One image's canvas, busy grid and the search on them.</summary>
    private ref struct Finder
    {
        private readonly ReadOnlySpan<byte> _pixels;
        private readonly int _width;
        private readonly int _height;
        private readonly RegionFindOptions _options;
        private readonly Span<byte> _busy;
        private readonly int _gridWidth;
        private readonly int _gridHeight;
        private readonly int _stepX;
        private readonly int _stepY;
        private Rgb _canvas;

        public Finder(ReadOnlySpan<byte> pixels, int width, int height, RegionFindOptions options, Span<byte> busy, int gridWidth, int gridHeight, int stepX, int stepY)
        {
            _pixels = pixels;
            _width = width;
            _height = height;
            _options = options;
            _busy = busy;
            _gridWidth = gridWidth;
            _gridHeight = gridHeight;
            _stepX = stepX;
            _stepY = stepY;
        }

        public PixelRect? Find()
        {
            if (!FindCanvas())
            {
                return null;
            }

            FillBusyGrid();
            if (!FindOnGrid(out var columns, out var rows))
            {
                return null;
            }

            // Grid cells to pixels, then each edge placed at full resolution.
            int left = columns.Start * _stepX, right = Math.Min(_width, columns.End * _stepX);
            int top = rows.Start * _stepY, bottom = Math.Min(_height, rows.End * _stepY);
            for (var pass = 0; pass < 2; pass++)
            {
                (top, bottom) = PlaceEdges(vertical: true, top, bottom, left, right, _stepY);
                (left, right) = PlaceEdges(vertical: false, left, right, top, bottom, _stepX);
                if (bottom - top < _options.MinPicturePixels || right - left < _options.MinPicturePixels)
                {
                    return null;
                }
            }

            var rect = new PixelRect(left, top, right - left, bottom - top);
            return IsPictureLike(rect) ? rect : null;
        }

        /// <summary>The dominant colour of the outer frame, if it covers enough of it.</summary>
        private bool FindCanvas()
        {
            Span<byte> samples = stackalloc byte[8 * FrameSamplesPerLine * 3];
            var count = 0;
            var lines = Math.Min(2, Math.Min(_width, _height)); // a one-pixel image has one outer line a side
            for (var line = 0; line < lines; line++)
            {
                count = SampleLine(samples, count, 0, line, 1, 0, _width);
                count = SampleLine(samples, count, 0, _height - 1 - line, 1, 0, _width);
                count = SampleLine(samples, count, line, 0, 0, 1, _height);
                count = SampleLine(samples, count, _width - 1 - line, 0, 0, 1, _height);
            }

            // A coarse histogram (16 levels a channel); the densest 3 × 3 × 3 neighbourhood of bins holds the canvas,
            // however its noise straddles bin edges.
            Span<int> bins = stackalloc int[16 * 16 * 16];
            bins.Clear();
            for (var i = 0; i < count; i++)
            {
                bins[Bin(samples[i * 3] >> 4, samples[(i * 3) + 1] >> 4, samples[(i * 3) + 2] >> 4)]++;
            }

            int bestCount = -1, bestR = 0, bestG = 0, bestB = 0;
            for (var r = 0; r < 16; r++)
            {
                for (var g = 0; g < 16; g++)
                {
                    for (var b = 0; b < 16; b++)
                    {
                        if (bins[Bin(r, g, b)] == 0)
                        {
                            continue;
                        }

                        var around = 0;
                        for (var dr = Math.Max(0, r - 1); dr <= Math.Min(15, r + 1); dr++)
                        {
                            for (var dg = Math.Max(0, g - 1); dg <= Math.Min(15, g + 1); dg++)
                            {
                                for (var db = Math.Max(0, b - 1); db <= Math.Min(15, b + 1); db++)
                                {
                                    around += bins[Bin(dr, dg, db)];
                                }
                            }
                        }

                        if (around > bestCount)
                        {
                            (bestCount, bestR, bestG, bestB) = (around, r, g, b);
                        }
                    }
                }
            }

            // The canvas colour is the per-channel median of the samples in that neighbourhood.
            Span<int> histograms = stackalloc int[3 * 256];
            histograms.Clear();
            var inside = 0;
            for (var i = 0; i < count; i++)
            {
                int r = samples[i * 3], g = samples[(i * 3) + 1], b = samples[(i * 3) + 2];
                if (Math.Abs((r >> 4) - bestR) <= 1 && Math.Abs((g >> 4) - bestG) <= 1 && Math.Abs((b >> 4) - bestB) <= 1)
                {
                    histograms[r]++;
                    histograms[256 + g]++;
                    histograms[512 + b]++;
                    inside++;
                }
            }

            _canvas = new Rgb(Median(histograms[..256], inside), Median(histograms.Slice(256, 256), inside), Median(histograms[512..], inside));
            var matching = 0;
            for (var i = 0; i < count; i++)
            {
                matching += Deviation(samples, i * 3) <= _options.Tolerance ? 1 : 0;
            }

            return matching >= _options.MinFrameShare * count;
        }

        private static int Bin(int r, int g, int b) => (((r << 4) | g) << 4) | b;

        /// <summary>Copies up to <see cref="FrameSamplesPerLine"/> evenly spaced pixels of a line into <paramref name="samples"/>.</summary>
        private readonly int SampleLine(Span<byte> samples, int count, int x, int y, int dx, int dy, int length)
        {
            var step = Math.Max(1, (length + FrameSamplesPerLine - 1) / FrameSamplesPerLine);
            for (var position = step / 2; position < length; position += step)
            {
                var offset = (((y + (position * dy)) * _width) + x + (position * dx)) * 3;
                samples[count * 3] = _pixels[offset];
                samples[(count * 3) + 1] = _pixels[offset + 1];
                samples[(count * 3) + 2] = _pixels[offset + 2];
                count++;
            }

            return count;
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

        private readonly int Deviation(ReadOnlySpan<byte> rgb, int offset) =>
            Math.Max(Math.Abs(rgb[offset] - _canvas.R), Math.Max(Math.Abs(rgb[offset + 1] - _canvas.G), Math.Abs(rgb[offset + 2] - _canvas.B)));

        private readonly void FillBusyGrid()
        {
            var tolerance = _options.Tolerance;
            for (var gy = 0; gy < _gridHeight; gy++)
            {
                var y = Math.Min(_height - 1, (gy * _stepY) + (_stepY / 2));
                var row = _busy.Slice(gy * _gridWidth, _gridWidth);
                for (var gx = 0; gx < _gridWidth; gx++)
                {
                    var x = Math.Min(_width - 1, (gx * _stepX) + (_stepX / 2));
                    row[gx] = Deviation(_pixels, ((y * _width) + x) * 3) > tolerance ? (byte)1 : (byte)0;
                }
            }
        }

        /// <summary>Alternating row and column projections of the busy grid, until the band settles.</summary>
        private readonly bool FindOnGrid(out Run columns, out Run rows)
        {
            Span<int> rowCounts = stackalloc int[_gridHeight];
            Span<int> columnCounts = stackalloc int[_gridWidth];
            columns = new Run(0, _gridWidth);
            RowCounts(rowCounts, columns);
            rows = BestRun(rowCounts, _gridWidth, FirstBandShare);
            for (var iteration = 0; iteration < MaxIterations && rows.Length > 0; iteration++)
            {
                ColumnCounts(columnCounts, rows);
                var nextColumns = BestRun(columnCounts, rows.Length, PictureLineShare);
                if (nextColumns.Length == 0)
                {
                    return false;
                }

                RowCounts(rowCounts, nextColumns);
                var nextRows = BestRun(rowCounts, nextColumns.Length, PictureLineShare);
                var settled = nextColumns == columns && nextRows == rows;
                (columns, rows) = (nextColumns, nextRows);
                if (settled)
                {
                    break;
                }
            }

            return rows.Length > 0 && columns.Length > 0;
        }

        private readonly void RowCounts(Span<int> counts, Run columns)
        {
            for (var gy = 0; gy < _gridHeight; gy++)
            {
                var total = 0;
                foreach (var cell in _busy.Slice((gy * _gridWidth) + columns.Start, columns.Length))
                {
                    total += cell;
                }

                counts[gy] = total;
            }
        }

        private readonly void ColumnCounts(Span<int> counts, Run rows)
        {
            counts.Clear();
            for (var gy = rows.Start; gy < rows.End; gy++)
            {
                var row = _busy.Slice(gy * _gridWidth, _gridWidth);
                for (var gx = 0; gx < row.Length; gx++)
                {
                    counts[gx] += row[gx];
                }
            }
        }

        /// <summary>The run of lines each at least <paramref name="share"/> busy with the most busy cells in all, at least 3% of the lines long.</summary>
        private static Run BestRun(ReadOnlySpan<int> counts, int span, double share)
        {
            var threshold = Math.Max(1, share * span);
            var minLength = Math.Max(2, (int)Math.Ceiling(counts.Length * MinRunShare));
            var best = new Run(0, 0);
            long bestMass = 0;
            for (var start = 0; start < counts.Length;)
            {
                if (counts[start] < threshold)
                {
                    start++;
                    continue;
                }

                var end = start;
                long mass = 0;
                while (end < counts.Length && counts[end] >= threshold)
                {
                    mass += counts[end++];
                }

                if (end - start >= minLength && mass > bestMass)
                {
                    (best, bestMass) = (new Run(start, end), mass);
                }

                start = end;
            }

            return best;
        }

        /// <summary>
        /// Places the two edges of [<paramref name="from"/>, <paramref name="to"/>) (rows when <paramref name="vertical"/>,
        /// else columns) at full resolution: each moves out while the next line is picture, or in until it is, by at
        /// most a grid step and a bit. The lines are judged on the span [<paramref name="spanStart"/>, <paramref name="spanEnd"/>).
        /// </summary>
        private readonly (int From, int To) PlaceEdges(bool vertical, int from, int to, int spanStart, int spanEnd, int step)
        {
            var limit = vertical ? _height : _width;
            var reach = step + 2;
            var first = from;
            if (IsPictureLine(vertical, first, spanStart, spanEnd))
            {
                for (var moved = 0; moved < reach && first > 0 && IsPictureLine(vertical, first - 1, spanStart, spanEnd); moved++)
                {
                    first--;
                }
            }
            else
            {
                for (var moved = 0; moved < reach && first < to - 1 && !IsPictureLine(vertical, first, spanStart, spanEnd); moved++)
                {
                    first++;
                }
            }

            var last = to - 1;
            if (IsPictureLine(vertical, last, spanStart, spanEnd))
            {
                for (var moved = 0; moved < reach && last < limit - 1 && IsPictureLine(vertical, last + 1, spanStart, spanEnd); moved++)
                {
                    last++;
                }
            }
            else
            {
                for (var moved = 0; moved < reach && last > first && !IsPictureLine(vertical, last, spanStart, spanEnd); moved++)
                {
                    last--;
                }
            }

            return (first, last + 1);
        }

        /// <summary>Whether at least 30% of a full-resolution row (column) is busy between spanStart and spanEnd.</summary>
        private readonly bool IsPictureLine(bool vertical, int line, int spanStart, int spanEnd)
        {
            var step = Math.Max(1, (spanEnd - spanStart + MaxSamplesPerLine - 1) / MaxSamplesPerLine);
            int samples = 0, busy = 0;
            for (var position = spanStart + (step / 2); position < spanEnd; position += step)
            {
                var offset = vertical ? ((line * _width) + position) * 3 : ((position * _width) + line) * 3;
                busy += Deviation(_pixels, offset) > _options.Tolerance ? 1 : 0;
                samples++;
            }

            return busy >= PictureLineShare * samples && samples > 0;
        }

        /// <summary>The size, shape and busyness checks, and that the rest of the image is a plain canvas.</summary>
        private readonly bool IsPictureLike(PixelRect rect)
        {
            var imageArea = (double)_width * _height;
            if (rect.Area < _options.MinAreaShare * imageArea || rect.Area > _options.MaxAreaShare * imageArea
                || Math.Max(rect.Width, rect.Height) > _options.MaxAspectRatio * Math.Min(rect.Width, rect.Height))
            {
                return false;
            }

            long inside = 0, insideBusy = 0, outside = 0, outsideCanvas = 0, outsideDeviation = 0, solidCanvas = 0;
            var tolerance = _options.Tolerance;
            for (var gy = 0; gy < _gridHeight; gy++)
            {
                var y = Math.Min(_height - 1, (gy * _stepY) + (_stepY / 2));
                var rowInside = y >= rect.Y && y < rect.Bottom;
                for (var gx = 0; gx < _gridWidth; gx++)
                {
                    var x = Math.Min(_width - 1, (gx * _stepX) + (_stepX / 2));
                    if (rowInside && x >= rect.X && x < rect.Right)
                    {
                        inside++;
                        insideBusy += _busy[(gy * _gridWidth) + gx];
                        continue;
                    }

                    outside++;
                    var deviation = Deviation(_pixels, ((y * _width) + x) * 3);
                    if (deviation <= tolerance)
                    {
                        outsideCanvas++;
                        outsideDeviation += deviation;
                        solidCanvas += gx + 1 == _gridWidth || _busy[(gy * _gridWidth) + gx + 1] == 0 ? 1 : 0;
                    }
                }
            }

            return inside > 0 && insideBusy >= MinBusyInside * inside
                && outside > 0 && outsideCanvas >= MinCanvasOutside * outside
                && outsideDeviation * 3 <= (long)tolerance * outsideCanvas
                && solidCanvas >= MinSolidCanvas * outsideCanvas;
        }
    }

    private readonly record struct Rgb(int R, int G, int B);

    /// <summary>Lines [Start, End) of the grid.</summary>
    private readonly record struct Run(int Start, int End)
    {
        public int Length => End - Start;
    }
}
