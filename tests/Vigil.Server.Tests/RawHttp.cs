using System.Net.Sockets;
using System.Text;

namespace Vigil.Server.Tests;

/// <summary>Raw HTTP/1.1 over a TCP socket to 127.0.0.1, for bodies no HTTP client would send (a broken chunked body).</summary>
internal static class RawHttp
{
    /// <summary>Sends the request head and body as they are, then reads the answer until the server closes (10 s at most).</summary>
    public static async Task<(int Status, string Head, string Body)> SendAsync(Uri server, string method, string path, string key,
        string headers, byte[] body)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync("127.0.0.1", server.Port, timeout.Token);
        var stream = client.GetStream();
        string head = $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n{headers}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
        await stream.WriteAsync(body, timeout.Token);
        await stream.FlushAsync(timeout.Token);
        var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer, timeout.Token);
        }
        catch (IOException)
        {
            // The server may reset the connection once it has answered.
        }
        string text = Encoding.UTF8.GetString(answer.ToArray());
        int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no HTTP answer: '{text}'");
        string status = text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
        return (int.Parse(status.Split(' ')[1]), text[..split], text[(split + 4)..]);
    }
}
