using System.Diagnostics;

namespace Vigil.Cli.Interaction;

/// <summary>
/// Progress of a long command on standard error. On a terminal, one line redrawn in place at most ten
/// times a second (a bar when the total is known); otherwise plain <c>progress:</c> lines that logs keep
/// readable: one every tenth of the way, or every <see cref="UnknownTotalStep"/> items when the total
/// is not known, and one at the end. Output written to the same terminal between updates should call
/// <see cref="Clear"/> first so the two do not mix.
/// </summary>
internal sealed class CommandProgress
{
    /// <summary>Items between plain lines when the total is not known in advance.</summary>
    public const long UnknownTotalStep = 100_000;

    /// <summary>
    /// Commands whose progress is a side matter (hash, match) write plain lines only from this many
    /// files: a script hashing a few files gets its results and nothing else.
    /// </summary>
    public const int PlainLinesFromFiles = 100;

    private const int BarWidth = 30;
    private readonly TextWriter _error;
    private readonly string _noun;
    private readonly long? _total;
    private readonly bool _live;
    private readonly bool _plain;
    private readonly Func<string>? _detail;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _plainStep;
    private long _done, _nextPlain, _lastPlainPrinted = -1, _lastDraw = long.MinValue / 2;
    private int _drawnWidth;

    /// <param name="error">Standard error.</param>
    /// <param name="noun">What is counted, plural ("images", "items").</param>
    /// <param name="total">How many there will be, when known.</param>
    /// <param name="detail">Extra figures after the count (", 3 matched"), asked for only when a line is written.</param>
    /// <param name="plainLines">Whether to write plain lines when standard error is not a terminal.</param>
    public CommandProgress(TextWriter error, string noun, long? total, Func<string>? detail = null, bool plainLines = true)
    {
        _error = error;
        _noun = noun;
        _total = total;
        _detail = detail;
        _live = Terminal.ErrorIsInteractive;
        _plain = plainLines && !_live;
        _plainStep = total is { } t ? Math.Max(1, t / 10) : UnknownTotalStep;
        _nextPlain = _plainStep;
    }

    /// <summary>One more item is done.</summary>
    public void Advance() => Report(_done + 1);

    /// <summary><paramref name="done"/> items are done.</summary>
    public void Report(long done)
    {
        _done = done;
        if (_live)
        {
            long now = Environment.TickCount64;
            if (now - _lastDraw >= 100 || done == _total)
            {
                _lastDraw = now;
                Draw();
            }
        }
        else if (_plain && done >= _nextPlain)
        {
            while (_nextPlain <= done)
                _nextPlain += _plainStep;
            WritePlain();
        }
    }

    /// <summary>
    /// One more item is done and its result was written to <paramref name="output"/> (after <see cref="Clear"/>):
    /// when standard output is the same terminal it is flushed first, so results and the live line stay in order.
    /// </summary>
    public void Advance(TextWriter output)
    {
        if (_live && Terminal.OutputIsInteractive)
            output.Flush();
        Advance();
    }

    /// <summary>Erases the live line (if any) so other output can be written; the next update draws it again.</summary>
    public void Clear()
    {
        if (_drawnWidth > 0)
        {
            _error.Write("\r" + new string(' ', _drawnWidth) + "\r");
            _drawnWidth = 0;
        }
    }

    /// <summary>
    /// The work is over: the live line is erased; in plain mode the final count is written when earlier
    /// lines were (a short job that wrote none stays quiet).
    /// </summary>
    public void Finish()
    {
        Clear();
        if (_plain && _lastPlainPrinted >= 0 && _lastPlainPrinted != _done)
            WritePlain();
    }

    private void WritePlain()
    {
        _lastPlainPrinted = _done;
        string count = _total is { } total ? $"{_done:N0}/{total:N0}" : $"{_done:N0}";
        _error.WriteLine($"progress: {count} {_noun}{_detail?.Invoke()}");
    }

    private void Draw()
    {
        double rate = _done / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
        string line;
        if (_total is { } total)
        {
            int filled = total <= 0 ? BarWidth : (int)Math.Min(BarWidth, _done * BarWidth / total);
            line = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {_done:N0}/{total:N0} {_noun}{_detail?.Invoke()}  {rate:N0}/s";
        }
        else
        {
            line = $"{_done:N0} {_noun}{_detail?.Invoke()}  {rate:N0}/s";
        }
        // Pad over whatever a longer previous line left behind.
        _error.Write("\r" + line.PadRight(_drawnWidth));
        _drawnWidth = Math.Max(_drawnWidth, line.Length);
        _error.Flush();
    }
}
