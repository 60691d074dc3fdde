using System.Buffers.Binary;

namespace Vigil.Media.Video;

/// <summary>
/// Puts an MP4 or QuickTime file whose index (<c>moov</c>) follows its media data (<c>mdat</c>) into streaming
/// order, index first, without copying the media: the file becomes a list of pieces (the original bytes before the
/// data, a patched copy of the index, then the data), so that ffmpeg can read it through a pipe, which cannot seek.
/// The index's chunk offsets (<c>stco</c>, <c>co64</c>) are moved by the index's size, as qt-faststart does.
/// </summary>
internal static class Mp4StreamingOrder
{
    private const int MaxDepth = 16;

    /// <summary>
    /// The pieces of <paramref name="file"/> in streaming order, or null when it needs no change (index already first)
    /// or is not a plain MP4 this can rearrange (not MP4, fragmented, damaged boxes): then it is read as it is.
    /// </summary>
    public static List<ReadOnlyMemory<byte>>? Rearrange(ReadOnlyMemory<byte> file)
    {
        var boxes = TopLevelBoxes(file.Span);
        if (boxes is null)
            return null;
        int moov = -1, firstMdat = -1;
        for (int i = 0; i < boxes.Count; i++)
        {
            var type = boxes[i].Type;
            if (type == "moov")
            {
                if (moov >= 0)
                    return null; // two indexes: not a file this understands
                moov = i;
            }
            else if (type == "mdat" && firstMdat < 0)
                firstMdat = i;
            else if (type == "moof")
                return null; // fragmented: streams as it is
        }
        if (moov < 0 || firstMdat < 0 || moov < firstMdat)
            return null;

        var (_, moovStart, moovLength) = boxes[moov];
        long dataStart = boxes[firstMdat].Offset;
        // Bytes in [dataStart, moovStart) move later by the index's length; the rest stay where they were.
        var index = file.Span.Slice((int)moovStart, (int)moovLength).ToArray();
        if (!PatchOffsets(index.AsSpan(8), depth: 0, offset => offset >= dataStart && offset < moovStart ? offset + moovLength : offset))
            return null;
        return
        [
            file[..(int)dataStart],
            index,
            file[(int)dataStart..(int)moovStart],
            file[(int)(moovStart + moovLength)..],
        ];
    }

    /// <summary>The top-level boxes (type, offset, length) when they tile the whole file exactly; otherwise null.</summary>
    private static List<(string Type, long Offset, long Length)>? TopLevelBoxes(ReadOnlySpan<byte> file)
    {
        var boxes = new List<(string, long, long)>();
        long at = 0;
        while (at < file.Length)
        {
            if (!TryBox(file[(int)at..], out string type, out long length, out _))
                return null;
            boxes.Add((type, at, length));
            at += length;
        }
        // An MP4 starts with ftyp (or, in old QuickTime files, one of a few other boxes).
        return boxes.Count > 0 && boxes[0].Item1 is "ftyp" or "moov" or "mdat" or "free" or "wide" or "skip" ? boxes : null;
    }

    /// <summary>Reads one box header at the start of <paramref name="data"/>: its type, its whole length and its header length.</summary>
    private static bool TryBox(ReadOnlySpan<byte> data, out string type, out long length, out int header)
    {
        type = "";
        length = 0;
        header = 8;
        if (data.Length < 8)
            return false;
        length = BinaryPrimitives.ReadUInt32BigEndian(data);
        for (int i = 4; i < 8; i++)
            if (data[i] is < 0x20 or > 0x7E)
                return false;
        type = System.Text.Encoding.ASCII.GetString(data.Slice(4, 4));
        if (length == 1)
        {
            if (data.Length < 16)
                return false;
            ulong large = BinaryPrimitives.ReadUInt64BigEndian(data[8..]);
            if (large > (ulong)data.Length)
                return false;
            length = (long)large;
            header = 16;
        }
        else if (length == 0)
        {
            length = data.Length; // to the end of the file
        }
        return length >= header && length <= data.Length;
    }

    /// <summary>Moves every chunk offset inside the container body <paramref name="body"/> through <paramref name="map"/>; false when one does not fit.</summary>
    private static bool PatchOffsets(Span<byte> body, int depth, Func<long, long> map)
    {
        if (depth > MaxDepth)
            return false;
        int at = 0;
        while (at + 8 <= body.Length)
        {
            if (!TryBox(body[at..], out string type, out long length, out int header))
                return false;
            var content = body.Slice(at + header, (int)length - header);
            switch (type)
            {
                case "trak" or "mdia" or "minf" or "stbl":
                    if (!PatchOffsets(content, depth + 1, map))
                        return false;
                    break;
                case "stco":
                    if (!PatchTable(content, 4, map))
                        return false;
                    break;
                case "co64":
                    if (!PatchTable(content, 8, map))
                        return false;
                    break;
            }
            at += (int)length;
        }
        return true;
    }

    /// <summary>Patches a full box's table: version and flags, an entry count, then that many offsets of <paramref name="width"/> bytes.</summary>
    private static bool PatchTable(Span<byte> content, int width, Func<long, long> map)
    {
        if (content.Length < 8)
            return false;
        uint count = BinaryPrimitives.ReadUInt32BigEndian(content[4..]);
        if (count > (content.Length - 8) / width)
            return false;
        for (int i = 0; i < count; i++)
        {
            var entry = content.Slice(8 + i * width, width);
            if (width == 4)
            {
                long moved = map(BinaryPrimitives.ReadUInt32BigEndian(entry));
                if (moved > uint.MaxValue)
                    return false;
                BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)moved);
            }
            else
            {
                ulong offset = BinaryPrimitives.ReadUInt64BigEndian(entry);
                if (offset > long.MaxValue)
                    return false;
                BinaryPrimitives.WriteUInt64BigEndian(entry, (ulong)map((long)offset));
            }
        }
        return true;
    }
}
