namespace Vigil.Video.Guard;

/// <summary>
/// Sound that leaves with the pictures: PCM pushed as it arrives is held until the frames it plays under have left the
/// <see cref="FrameGuard"/>, and leaves as it came under released frames and as silence under blocked ones. Frame
/// <c>n</c> covers the samples from <c>n / fps</c> to <c>(n + 1) / fps</c> seconds. Not thread-safe: one per stream.
/// </summary>
public sealed class AudioDelayLine
{
    private readonly double _samplesPerFrame;
    private readonly int _blockAlign;
    private readonly Queue<(long EndSample, bool Muted)> _frames = new();
    private byte[] _held = new byte[1 << 16];
    private int _heldStart, _heldLength;
    private byte[] _out = new byte[1 << 16];
    private long _heldFirstSample;
    private bool _lastMuted;

    /// <summary>A line for PCM of <paramref name="sampleRate"/> sample frames a second, <paramref name="blockAlign"/> bytes each, under video at <paramref name="framesPerSecond"/>.</summary>
    public AudioDelayLine(int sampleRate, int blockAlign, double framesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockAlign, 1);
        if (!(framesPerSecond > 0) || !double.IsFinite(framesPerSecond))
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "a positive frame rate");
        _samplesPerFrame = sampleRate / framesPerSecond;
        _blockAlign = blockAlign;
    }

    /// <summary>Takes the next run of samples (whole sample frames; copied).</summary>
    public void Push(ReadOnlySpan<byte> pcm)
    {
        if (pcm.Length % _blockAlign != 0)
            throw new ArgumentException($"audio comes in whole sample frames of {_blockAlign} bytes, not {pcm.Length}", nameof(pcm));
        if (_heldStart + _heldLength + pcm.Length > _held.Length)
        {
            if (_heldLength + pcm.Length > _held.Length)
                Array.Resize(ref _held, Math.Max(_held.Length * 2, _heldLength + pcm.Length));
            Buffer.BlockCopy(_held, _heldStart, _held, 0, _heldLength);
            _heldStart = 0;
        }
        pcm.CopyTo(_held.AsSpan(_heldStart + _heldLength));
        _heldLength += pcm.Length;
    }

    /// <summary>Says that frame <paramref name="number"/> left the guard, as itself or (<paramref name="blocked"/>) as a stand-in.</summary>
    public void FrameLeft(long number, bool blocked)
    {
        _frames.Enqueue(((long)Math.Round((number + 1) * _samplesPerFrame), blocked));
        _lastMuted = blocked;
    }

    /// <summary>
    /// The sound that may leave now: everything held under frames that have left, silenced under blocked ones. Valid
    /// until the next call.
    /// </summary>
    public ReadOnlyMemory<byte> Take() => TakeUpTo(flush: false);

    /// <summary>At the end of the stream: all the sound still held, silenced if the last frame to leave was blocked.</summary>
    public ReadOnlyMemory<byte> Flush() => TakeUpTo(flush: true);

    private ReadOnlyMemory<byte> TakeUpTo(bool flush)
    {
        int written = 0;
        while (_heldLength > 0)
        {
            long end;
            bool muted;
            if (_frames.TryPeek(out var frame))
                (end, muted) = frame;
            else if (flush)
                (end, muted) = (long.MaxValue, _lastMuted);
            else
                break;
            long samples = Math.Min(end - _heldFirstSample, _heldLength / _blockAlign);
            if (samples > 0)
            {
                int bytes = (int)samples * _blockAlign;
                if (written + bytes > _out.Length)
                    Array.Resize(ref _out, Math.Max(_out.Length * 2, written + bytes));
                if (muted)
                    _out.AsSpan(written, bytes).Clear();
                else
                    _held.AsSpan(_heldStart, bytes).CopyTo(_out.AsSpan(written));
                written += bytes;
                _heldStart += bytes;
                _heldLength -= bytes;
                _heldFirstSample += samples;
            }
            if (_heldFirstSample >= end)
                _frames.Dequeue();
            else
                break; // the rest of this frame's sound has not come yet
        }
        if (_heldLength == 0)
            _heldStart = 0;
        return _out.AsMemory(0, written);
    }
}
