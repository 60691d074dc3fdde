using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends prepared GET requests and reads each answer's
/// status and body length (Content-Length or chunked), nothing more: a load client has to cost far
/// less than the server it measures, and HttpClient costs about as much as a lookup.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;

    private RawHttpConnection(Socket socket) => _socket = socket;

    public static async Task<RawHttpConnection> OpenAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, ct);
            return new RawHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of <c>GET path</c> with the bearer key, ready to send.</summary>
    public static byte[] Request(string host, string pathAndQuery, string key) =>
        Encoding.ASCII.GetBytes($"GET /{pathAndQuery.TrimStart('/')} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n\r\n");

    /// <summary>Sends one request and reads its answer: the status code and the body's length in bytes.</summary>
    public async ValueTask<(int Status, int BodyLength)> SendAsync(byte[] request, CancellationToken ct)
    {
        await _socket.SendAsync(request, SocketFlags.None, ct);
        int headerEnd;
        while ((headerEnd = IndexOf("\r\n\r\n"u8)) < 0)
            await FillAsync(ct);
        var head = _buffer.AsSpan(_start, headerEnd - _start);
        int status = ParseStatus(head);
        int contentLength = HeaderNumber(head, "\r\ncontent-length:"u8);
        bool chunked = contentLength < 0 && Contains(head, "\r\ntransfer-encoding: chunked"u8);
        _start = headerEnd + 4;
        if (chunked)
            return (status, await ReadChunkedAsync(ct));
        int length = Math.Max(contentLength, 0);
        while (_end - _start < length)
            await FillAsync(ct);
        _start += length;
        return (status, length);
    }

    private async ValueTask<int> ReadChunkedAsync(CancellationToken ct)
    {
        int total = 0;
        while (true)
        {
            int lineEnd;
            while ((lineEnd = IndexOf("\r\n"u8)) < 0)
                await FillAsync(ct);
            if (!Utf8Parser.TryParse(_buffer.AsSpan(_start, lineEnd - _start), out int size, out _, 'x'))
                throw new InvalidDataException("bad chunk size in the server's answer");
            _start = lineEnd + 2;
            while (_end - _start < size + 2)
                await FillAsync(ct);
            _start += size + 2;
            total += size;
            if (size == 0)
                return total;
        }
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
        int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
        if (read == 0)
            throw new IOException("the server closed the connection");
        _end += read;
    }

    private int IndexOf(ReadOnlySpan<byte> value)
    {
        int i = _buffer.AsSpan(_start, _end - _start).IndexOf(value);
        return i < 0 ? -1 : _start + i;
    }

    private static int ParseStatus(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK"
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
            throw new InvalidDataException("the server's answer has no HTTP status line");
        return status;
    }

    private static int HeaderNumber(ReadOnlySpan<byte> head, ReadOnlySpan<byte> nameWithColon)
    {
        int at = IndexOfIgnoreCase(head, nameWithColon);
        if (at < 0)
            return -1;
        var value = head[(at + nameWithColon.Length)..].TrimStart((byte)' ');
        return Utf8Parser.TryParse(value, out int number, out _) ? number : -1;
    }

    private static bool Contains(ReadOnlySpan<byte> head, ReadOnlySpan<byte> lowercase) => IndexOfIgnoreCase(head, lowercase) >= 0;

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> head, ReadOnlySpan<byte> lowercase)
    {
        for (int i = 0; i + lowercase.Length <= head.Length; i++)
        {
            if (head[i] != '\r')
                continue;
            if (Ascii.EqualsIgnoreCase(head.Slice(i, lowercase.Length), lowercase))
                return i;
        }
        return -1;
    }

    public void Dispose() => _socket.Dispose();
}
