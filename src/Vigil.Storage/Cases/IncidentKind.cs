namespace Vigil.Storage;

/// <summary>
/// Where the platform says an item was shared: the CyberTipline report's <c>internetDetails</c>
/// kinds. Stored and sent by the names of <see cref="CaseNames.Name(IncidentKind)"/>.
/// </summary>
public enum IncidentKind
{
    /// <summary>A web page (<c>web_page</c>): the item's http(s) URL is the page.</summary>
    WebPage,

    /// <summary>E-mail (<c>email</c>).</summary>
    Email,

    /// <summary>A newsgroup (<c>newsgroup</c>).</summary>
    Newsgroup,

    /// <summary>A chat or instant message (<c>chat</c>).</summary>
    Chat,

    /// <summary>An online game (<c>online_gaming</c>).</summary>
    OnlineGaming,

    /// <summary>A cell phone: calls, text messages, pictures sent by phone (<c>cell_phone</c>).</summary>
    CellPhone,

    /// <summary>Nothing online: face to face, printed material (<c>non_internet</c>).</summary>
    NonInternet,

    /// <summary>A peer-to-peer network (<c>peer_to_peer</c>).</summary>
    PeerToPeer,
}
