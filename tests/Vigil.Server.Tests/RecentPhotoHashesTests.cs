using Vigil.Hashing.Pdq;

namespace Vigil.Server.Tests;

public class RecentPhotoHashesTests
{
    [Fact]
    public void Keeps_the_newest_entries_within_its_capacity_and_keys_by_content()
    {
        var recent = new RecentPhotoHashes(capacity: 3);
        var keys = Enumerable.Range(0, 5).Select(i => RecentPhotoHashes.KeyOf([(byte)i, 1, 2])).ToArray();
        Assert.Equal(5, keys.Distinct().Count());
        Assert.Equal(keys[0], RecentPhotoHashes.KeyOf([0, 1, 2]));
        for (int i = 0; i < keys.Length; i++)
            recent.Add(keys[i], new RecentPhotoHashes.Entry(new PdqResult(default, i), i, i));
        Assert.False(recent.TryGet(keys[0], out _));
        Assert.False(recent.TryGet(keys[1], out _));
        Assert.True(recent.TryGet(keys[4], out var newest));
        Assert.Equal(4, newest.Pdq.Quality);
    }
}
