#!/usr/bin/env python3
"""Writes src/Vigil.Cli/samples/conversations/synthetic-corpus.jsonl: the SYNTHETIC labelled conversations of
docs/conversations.md. Written by Vigil's authors from published grooming indicators (asking age, school, whether
parents are around; secrecy; moving to another app; requests for photos or calls; gifts; flattery and isolation;
requests to meet; an adult-minor age gap), with no sexual content, plus benign conversations, some with the same
tricky words. Not real messages and not a measure of real-world performance.

Odd-numbered conversations are grooming, even-numbered benign; c001-c030 is the part the rules were tuned on,
c031-c060 is held out.
"""
import json
from datetime import datetime, timedelta, timezone

# (label, facts, messages): facts is a dict with optional a_age, b_age, a_minor, b_minor;
# messages are (speaker, minutes after the previous message, text), speaker "a" or "b".
G, B = "grooming", "benign"
C = []

def conv(label, facts, *messages):
    C.append((label, facts, messages))

# ---------------------------------------------------------------- c001-c030: tune
conv(G, {"a_age": 34, "b_age": 12},
     ("a", 0, "hey nice build in that map, you're really good"),
     ("b", 3, "thanks lol"),
     ("a", 2, "how old are you btw?"),
     ("b", 1, "12"),
     ("a", 5, "you're so mature for your age honestly"),
     ("a", 600, "are your parents home right now?"),
     ("b", 4, "no they're at work"),
     ("a", 2, "cool. don't tell anyone we talk ok, they wouldn't get it"),
     ("a", 1400, "add me on snap, this app is rubbish"))
conv(B, {"a_age": 13, "b_age": 13},
     ("a", 0, "did you do the maths homework"),
     ("b", 6, "yeah question 4 was so hard"),
     ("a", 1, "what did you get for 4"),
     ("b", 2, "x = 7 i think"),
     ("a", 3, "oh i got 7 too nice"),
     ("b", 1, "see you in class tomorrow"))
conv(G, {"b_minor": True},
     ("a", 0, "hi! saw your drawing in the art group, it's amazing"),
     ("b", 20, "thank you!!"),
     ("a", 3, "what school do you go to? they must be proud of you"),
     ("b", 10, "just the one near the station"),
     ("a", 4, "nobody understands you like I do, I can tell you're different from the other kids"),
     ("a", 900, "i can buy you a gift card for new brushes if you want"),
     ("a", 5, "just keep it between us, ok?"),
     ("a", 2000, "we should meet up at the art shop this weekend"))
conv(B, {"a_age": 41, "b_age": 15},
     ("a", 0, "practice moved to 6 tonight"),
     ("b", 15, "ok"),
     ("a", 2, "I'll pick you up after practice, by the main gate"),
     ("b", 1, "can Sam get a lift too"),
     ("a", 2, "sure, tell his mum"),
     ("b", 30, "thanks dad"))
conv(G, {"a_age": 27, "b_age": 14},
     ("a", 0, "gg that was a close round"),
     ("b", 1, "ya"),
     ("a", 1, "want some free vbucks? i have loads spare"),
     ("b", 2, "wait really??"),
     ("a", 1, "yeah just add me on discord and i'll send them"),
     ("b", 5, "ok whats your tag"),
     ("a", 1, "my tag is shadowfox_88"),
     ("a", 300, "r u home alone rn?"),
     ("a", 10, "delete this chat after ok, mods are weird about gifting"))
conv(B, {},
     ("a", 0, "party at mine saturday, you coming?"),
     ("b", 4, "yes!! what time"),
     ("a", 1, "from 7, bring snacks"),
     ("b", 2, "should i bring my speaker"),
     ("a", 1, "yes please"),
     ("b", 600, "what's the address again"),
     ("a", 3, "14 Elm Road, the blue door"))
conv(G, {"a_minor": False, "b_minor": True},
     ("a", 0, "you seem sad today"),
     ("b", 30, "my parents were shouting again"),
     ("a", 2, "your parents don't understand you. i get you though"),
     ("b", 5, "i guess"),
     ("a", 2, "you can trust me, i'm the only one who really listens to you"),
     ("a", 1000, "can you send me a selfie? i want to see you smile"),
     ("a", 700, "let's video call tonight when they're asleep"),
     ("a", 2, "our little secret"))
conv(B, {"a_age": 16, "b_age": 16},
     ("a", 0, "add me on discord for the raid tonight"),
     ("b", 2, "what's your tag"),
     ("a", 1, "same as here, nightowl"),
     ("b", 3, "ok added, what time are we starting"),
     ("a", 1, "9pm, bring potions"))
conv(G, {"a_age": 45, "b_age": 11},
     ("a", 0, "hello, are you the one who posted the puppy video?"),
     ("b", 15, "yes that's my dog"),
     ("a", 2, "so cute. how old r u?"),
     ("b", 4, "11"),
     ("a", 3, "which school are you at, near the park?"),
     ("a", 800, "when do your parents get home from work"),
     ("a", 500, "i could come to your house and bring a present for the puppy"),
     ("a", 5, "don't tell your mum, it's a surprise"))
conv(B, {"a_age": 38, "b_age": 40},
     ("a", 0, "hi, I'm the new parent rep for year 7"),
     ("b", 10, "welcome! happy to help"),
     ("a", 4, "what school do you go to for the parents' evenings, the main site or the annexe?"),
     ("b", 6, "the main site, hall B"),
     ("a", 3, "great, see you there thursday"))
conv(G, {"b_age": 13},
     ("a", 0, "your videos are honestly the best on here"),
     ("b", 10, "omg thank you"),
     ("a", 2, "what grade are you in?"),
     ("b", 3, "8th"),
     ("a", 3, "do your parents check your phone?"),
     ("b", 6, "sometimes"),
     ("a", 2, "let's switch to telegram then, it's more private"),
     ("a", 900, "send me a pic of you in your new hoodie"),
     ("a", 1000, "i'll send you money for a new phone if you want"))
conv(B, {},
     ("a", 0, "did you see the match last night"),
     ("b", 5, "yes what a goal in the 89th minute"),
     ("a", 1, "unreal. are you going to the next home game"),
     ("b", 3, "if i can get tickets"),
     ("a", 2, "my brother has a spare, i'll ask him"),
     ("b", 1, "legend"))
conv(G, {"a_age": 31, "b_age": 15},
     ("a", 0, "you're not like other girls your age, you're smart"),
     ("b", 20, "haha thanks"),
     ("a", 5, "no one else gets you like i do"),
     ("a", 600, "is your dad home tonight?"),
     ("b", 4, "he's out"),
     ("a", 2, "we should meet, i can pick you up"),
     ("a", 3, "just between you and me ok"))
conv(B, {"a_age": 44, "b_age": 12},
     ("a", 0, "don't tell your brother about the surprise party for his birthday!"),
     ("b", 6, "i won't"),
     ("a", 2, "we're getting the cake from the bakery on friday"),
     ("b", 3, "can it be chocolate"),
     ("a", 1, "of course"),
     ("b", 40, "love you mum"))
conv(G, {"b_minor": True},
     ("a", 0, "asl?"),
     ("b", 4, "13 f uk"),
     ("a", 2, "cool, where do you live in the uk"),
     ("b", 3, "north"),
     ("a", 2, "message me on kik, this site logs everything"),
     ("a", 120, "turn on your camera, i want to see you"),
     ("a", 10, "no one needs to know about us"))
conv(B, {"a_age": 15, "b_age": 14},
     ("a", 0, "can you send me a pic of the homework sheet"),
     ("b", 3, "yeah one sec"),
     ("b", 1, "here"),
     ("a", 2, "thanks, the printer at home broke"),
     ("b", 1, "np"))
conv(G, {"a_age": 29, "b_age": 14},
     ("a", 0, "hey, you dropped out of the lobby"),
     ("b", 5, "wifi died"),
     ("a", 1, "np. i'll buy you skins if you keep playing with me"),
     ("b", 2, "really? which ones"),
     ("a", 1, "any. you're special, you know that"),
     ("a", 500, "what's your snap? easier to chat there"),
     ("a", 800, "do not tell your parents about the skins, they'll take your account"))
conv(B, {},
     ("a", 0, "looking for a blue jacket in size M, do you have one?"),
     ("b", 30, "yes, in stock in the city branch"),
     ("a", 2, "can you send a picture of the back"),
     ("b", 10, "here you go: https://shop.example/jacket-blue"),
     ("a", 3, "thanks, I'll order it"))
conv(G, {"a_age": 52, "b_age": 13},
     ("a", 0, "hello young man, saw you at the skate park"),
     ("b", 40, "who is this"),
     ("a", 2, "a friend. which park do you skate at most days?"),
     ("a", 300, "i can get you a new deck, a proper one"),
     ("a", 400, "is your mum around after school?"),
     ("a", 600, "let me see you do that trick, come to the park alone on sunday"))
conv(B, {"a_age": 13, "b_age": 12},
     ("a", 0, "are your parents home? can i come over"),
     ("b", 4, "yeah my mum is here, she says ok"),
     ("a", 1, "yay, bringing my switch"),
     ("b", 2, "bring mario kart"),
     ("a", 1, "ok be there in 10"))
conv(G, {"a_age": 24, "b_age": 16},
     ("a", 0, "you're so grown up for your age, seriously"),
     ("b", 30, "lol ok"),
     ("a", 3, "how old are you exactly"),
     ("b", 2, "16"),
     ("a", 3, "nice. my number is 0770 900 1234, text me there"),
     ("a", 700, "keep this a secret from your friends, they'd be jealous"),
     ("a", 600, "i'll come to where you are on friday, we can meet in person"))
conv(B, {},
     ("a", 0, "meeting for the science project at the library at 4?"),
     ("b", 5, "works for me"),
     ("a", 1, "i'll bring the poster board"),
     ("b", 2, "i'll print the graphs"),
     ("a", 1, "see you there"))
conv(G, {},
     ("a", 0, "hey cutie, you play every night huh"),
     ("b", 20, "yeah"),
     ("a", 2, "r u like 14?"),
     ("b", 5, "13"),
     ("a", 1, "cool. r ur parents asleep?"),
     ("a", 3, "you can trust me, nobody understands you like i do"),
     ("a", 5, "add me on whatsapp"),
     ("a", 600, "i'll send you robux tonight"))
conv(B, {"a_age": 35, "b_age": 36},
     ("a", 0, "can you collect the kids on wednesday?"),
     ("b", 10, "yes, I'll pick them up at 3:15"),
     ("a", 1, "thank you! dinner is in the freezer"),
     ("b", 2, "perfect"),
     ("a", 400, "don't tell mum about the surprise party, she still thinks it's just lunch"),
     ("b", 3, "my lips are sealed"))
conv(G, {"a_age": 38, "b_minor": True},
     ("a", 0, "welcome to the server!"),
     ("b", 10, "thanks"),
     ("a", 2, "what year are you in at school?"),
     ("b", 5, "year 8"),
     ("a", 2, "we have a private group for the best players, want in?"),
     ("a", 300, "i'll pay for your battle pass"),
     ("a", 900, "send me a photo so i know you're real"),
     ("a", 20, "and delete these messages after"))
conv(B, {"a_age": 14, "b_age": 14},
     ("a", 0, "omg did you see what happened in drama today"),
     ("b", 2, "YES"),
     ("a", 1, "don't tell anyone i cried lol"),
     ("b", 1, "i won't, it was so sad though"),
     ("a", 2, "the ending got me"),
     ("b", 1, "same"))
conv(G, {"a_age": 33, "b_age": 12},
     ("a", 0, "you have a great voice on the mic"),
     ("b", 8, "thanks"),
     ("a", 3, "are you home alone a lot after school?"),
     ("b", 5, "sometimes"),
     ("a", 2, "i could keep you company. let's facetime later"),
     ("a", 700, "your friends don't care about you like i do"))
conv(B, {},
     ("a", 0, "the club is selling raffle tickets for the new kits"),
     ("b", 60, "how much are they"),
     ("a", 2, "2 pounds each, link here https://club.example/raffle"),
     ("b", 5, "bought 3"),
     ("a", 1, "thanks for supporting the team"))

conv(G, {"a_age": 30, "b_age": 13},
     ("a", 0, "saw your stream, you're funny"),
     ("b", 10, "thanks!!"),
     ("a", 2, "what grade r u in"),
     ("b", 3, "7th"),
     ("a", 2, "i'll get you a top-up for the game, no worries"),
     ("a", 600, "talk to me on telegram, it's safer"),
     ("a", 5, "and don't tell your parents, they'd stop you streaming"))
conv(B, {"a_age": 12, "b_age": 13},
     ("a", 0, "can you help me with the science worksheet"),
     ("b", 5, "which question"),
     ("a", 1, "the one about photosynthesis"),
     ("b", 3, "plants turn sunlight into food, write that"),
     ("a", 1, "thank youuu"),
     ("b", 1, "np"))

# ---------------------------------------------------------------- c031-c060: held out
conv(G, {"a_age": 30, "b_age": 13},
     ("a", 0, "i love your cosplay posts"),
     ("b", 30, "thank you so much"),
     ("a", 2, "how old are u? you look older"),
     ("b", 3, "13"),
     ("a", 2, "you're really mature for your age"),
     ("a", 400, "let's talk on signal instead, this app reads everything"),
     ("a", 700, "i'll buy you the wig you wanted"),
     ("a", 5, "but it stays our secret"))
conv(B, {"a_age": 42, "b_age": 17},
     ("a", 0, "how was the exam?"),
     ("b", 30, "ok i think"),
     ("a", 2, "proud of you. i'll pick you up at 5"),
     ("b", 1, "thanks mum"),
     ("a", 300, "dinner's at 7"))
conv(G, {"b_age": 12},
     ("a", 0, "hey, i'm new here too"),
     ("b", 5, "hi"),
     ("a", 2, "which school do you go to? maybe we're close"),
     ("b", 10, "greenfield"),
     ("a", 3, "are your parents strict about your phone?"),
     ("a", 2, "do your parents read your messages?"),
     ("a", 600, "video call me tonight, i'll show you my setup"),
     ("a", 10, "don't tell them we chat"))
conv(B, {"a_age": 12, "b_age": 12},
     ("a", 0, "how old are you turning on saturday"),
     ("b", 2, "13!!"),
     ("a", 1, "are you having a party"),
     ("b", 2, "yes at the bowling place, can you come"),
     ("a", 1, "yes!! let's meet at the entrance"),
     ("b", 1, "yay"))
conv(G, {"a_age": 26, "b_age": 15},
     ("a", 0, "you're different from the other kids in that chat, smarter"),
     ("b", 40, "haha maybe"),
     ("a", 2, "nobody else gets you like i do, right?"),
     ("a", 500, "what part of town are you in"),
     ("b", 10, "east side"),
     ("a", 2, "i could drive to you on saturday"),
     ("a", 1, "keep it to yourself though"))
conv(B, {},
     ("a", 0, "team meeting moved to 10am"),
     ("b", 5, "ok thanks for the heads up"),
     ("a", 1, "the slides are here https://docs.example/q3"),
     ("b", 20, "looks good"),
     ("a", 2, "can we meet after to review the budget"),
     ("b", 1, "sure"))
conv(G, {"a_minor": False, "b_minor": True},
     ("a", 0, "great game, you carried us"),
     ("b", 2, "lol thanks"),
     ("a", 1, "i'll get you some gems for the next season"),
     ("b", 3, "omg yes"),
     ("a", 2, "give me your number, i'll text you when i send them"),
     ("a", 600, "are you alone right now?"),
     ("a", 5, "i'd like to see you in person sometime, for real"))
conv(B, {"a_age": 16, "b_age": 15},
     ("a", 0, "you coming to training tomorrow"),
     ("b", 3, "yes, coach said we're doing sprints"),
     ("a", 1, "ugh"),
     ("b", 2, "bring water this time lol"),
     ("a", 1, "haha ok"),
     ("b", 200, "also add me on insta, my account is new"))
conv(G, {"a_age": 40, "b_age": 14},
     ("a", 0, "i know things are hard at home"),
     ("b", 20, "yeah"),
     ("a", 2, "your family never listens to you, i do"),
     ("a", 300, "i could get you that phone you wanted"),
     ("a", 400, "when does your mum go out on friday?"),
     ("a", 5, "nobody has to know i'm coming round"))
conv(B, {"a_age": 47, "b_age": 45},
     ("a", 0, "are your parents home this weekend? we wanted to drop off the plants"),
     ("b", 30, "they're away until monday"),
     ("a", 2, "no problem, we'll come next week"),
     ("b", 3, "thanks, they'll love them"),
     ("a", 2, "say hello to them from us"))
conv(G, {"b_minor": True},
     ("a", 0, "hey, r u 13 or 14? you sound young lol"),
     ("b", 10, "14"),
     ("a", 2, "cool. i'm 19 but we can still be friends"),
     ("a", 4, "move over to snapchat, i'll show you my dog"),
     ("a", 600, "send me some pics from your day"),
     ("a", 700, "you're not like the other girls i talk to"))
conv(B, {},
     ("a", 0, "what should we get grandma for her birthday"),
     ("b", 20, "maybe a scarf"),
     ("a", 2, "good idea, i'll order one"),
     ("b", 3, "don't tell her, it's a surprise"),
     ("a", 1, "of course"),
     ("b", 600, "it arrived, it's lovely"))
conv(G, {"a_age": 35, "b_age": 13},
     ("a", 0, "hi there, loved your dance video"),
     ("b", 20, "thanks!"),
     ("a", 3, "are you in a dance school? which one"),
     ("b", 5, "the one on high street"),
     ("a", 2, "i'll give you money for new shoes, you deserve it"),
     ("a", 500, "let's keep our chats quiet, ok?"),
     ("a", 600, "can we meet after your class?"))
conv(B, {"a_age": 13, "b_age": 13},
     ("a", 0, "whats your snap"),
     ("b", 1, "same as my username"),
     ("a", 1, "added!"),
     ("b", 2, "did you finish the book for english"),
     ("a", 3, "not yet, chapter 9"),
     ("b", 1, "no spoilers then"))
conv(G, {"a_age": 28, "b_age": 12},
     ("a", 0, "you're really good at this game for a kid"),
     ("b", 3, "i'm 12"),
     ("a", 2, "nice, so you're in year 7?"),
     ("a", 4, "i have a spare gift card, want it?"),
     ("a", 500, "tell me when your parents are out and we can call"),
     ("a", 5, "this is just between us"))
conv(B, {},
     ("a", 0, "your order has shipped"),
     ("b", 200, "great, when will it arrive"),
     ("a", 3, "tracking: https://parcel.example/track/8841"),
     ("b", 2, "thanks"),
     ("a", 1, "you're welcome"))
conv(G, {"a_age": 37, "b_minor": True},
     ("a", 0, "you seem lonely in the group chat"),
     ("b", 30, "kinda"),
     ("a", 2, "i understand you better than anyone"),
     ("a", 400, "what's your whatsapp? we can talk properly"),
     ("a", 500, "are your folks around tonight"),
     ("a", 600, "i want to see you, let's meet up somewhere quiet"),
     ("a", 5, "don't tell anybody"))
conv(B, {"a_age": 15, "b_age": 15},
     ("a", 0, "send me a selfie with your new haircut!!"),
     ("b", 2, "lol ok"),
     ("b", 1, "there"),
     ("a", 1, "it looks so good"),
     ("b", 1, "thanks, my sister did it"))
conv(G, {"a_age": 32, "b_age": 14},
     ("a", 0, "hey, loved your guitar cover"),
     ("b", 20, "thank you"),
     ("a", 2, "you have real talent, not like other kids"),
     ("a", 300, "i could buy you a new amp"),
     ("a", 400, "we should cam later so i can hear you play"),
     ("a", 500, "nobody needs to know, ok?"))
conv(B, {"a_age": 39, "b_age": 11},
     ("a", 0, "what time does your school finish today"),
     ("b", 30, "3:30"),
     ("a", 2, "ok, grandad will pick you up"),
     ("b", 2, "can we get ice cream"),
     ("a", 1, "ask him nicely"))
conv(G, {},
     ("a", 0, "hi, i'm a scout for a modelling agency"),
     ("b", 30, "really?"),
     ("a", 2, "how old are you? we need young faces"),
     ("b", 5, "15"),
     ("a", 2, "send me some photos of yourself"),
     ("a", 3, "we pay well, i'll send you 50 for the first set"),
     ("a", 300, "don't tell your parents yet, we'll surprise them"))
conv(B, {},
     ("a", 0, "anyone up for football in the park at 5"),
     ("b", 3, "me"),
     ("a", 1, "bring the ball"),
     ("b", 2, "which park, the big one?"),
     ("a", 1, "yeah by the lake"),
     ("b", 1, "see you there"))
conv(G, {"a_age": 44, "b_age": 13},
     ("a", 0, "you remind me of myself at your age"),
     ("b", 60, "lol"),
     ("a", 3, "i can help with school stuff, anything you need"),
     ("a", 600, "it's better if we talk somewhere else, do you have telegram"),
     ("a", 800, "your mum wouldn't understand our friendship"),
     ("a", 600, "i'm in your town next week, i'll come see you"))
conv(B, {"a_age": 14, "b_age": 13},
     ("a", 0, "the new season drops tonight"),
     ("b", 2, "i'm saving my vbucks for the battle pass"),
     ("a", 1, "same, i got some robux for my birthday too"),
     ("b", 2, "lucky"),
     ("a", 1, "let's squad up at 8"))
conv(G, {"a_age": 25, "b_age": 15},
     ("a", 0, "hey stranger, you're fun to talk to"),
     ("b", 10, "you too"),
     ("a", 2, "what's your age again?"),
     ("b", 2, "15"),
     ("a", 2, "you're mature for your age, seriously"),
     ("a", 500, "text me on whatsapp, here's my number 07123 456789"),
     ("a", 600, "are your parents home?"),
     ("a", 5, "let's video call, just us"))
conv(B, {},
     ("a", 0, "book club is at my place next thursday"),
     ("b", 20, "lovely, what are we reading"),
     ("a", 2, "the one with the lighthouse"),
     ("b", 3, "i'll bring wine"),
     ("a", 1, "perfect"))
conv(G, {"a_age": 36, "b_age": 12},
     ("a", 0, "hi, i coach a youth team near you"),
     ("b", 30, "oh cool"),
     ("a", 2, "which school do you go to? maybe i know your PE teacher"),
     ("a", 400, "i can get you free boots from the club"),
     ("a", 500, "don't mention me to your dad, he might get the wrong idea"),
     ("a", 600, "could we meet at the pitch on sunday, just you"))
conv(B, {"a_age": 45, "b_age": 14},
     ("a", 0, "reminder: permission slips for the trip are due friday"),
     ("b", 60, "ok miss"),
     ("a", 2, "and bring a packed lunch"),
     ("b", 3, "will do"),
     ("a", 1, "the coach leaves at 8 sharp"))

conv(G, {"a_age": 33, "b_age": 14},
     ("a", 0, "you're so talented, honestly the best artist i follow"),
     ("b", 20, "aww thanks"),
     ("a", 2, "where do you live? i might have a commission for you"),
     ("a", 300, "i can pay you for a drawing, just keep this between us"),
     ("a", 400, "is your dad home? better if he doesn't see"),
     ("a", 500, "let's meet up so i can give you the money"))
conv(B, {},
     ("a", 0, "the swimming gala is on saturday"),
     ("b", 30, "what time do we need to be there"),
     ("a", 2, "8:30 for warm up"),
     ("b", 3, "i'll drive, can fit 3 kids"),
     ("a", 1, "brilliant, thanks"),
     ("b", 600, "good luck to everyone!"))

START = datetime(2026, 1, 3, 16, 0, tzinfo=timezone.utc)

def main():
    out = "src/Vigil.Cli/samples/conversations/synthetic-corpus.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for n, (label, facts, messages) in enumerate(C, start=1):
            cid = f"c{n:03d}"
            assert (label == G) == (n % 2 == 1), cid
            assert 5 <= len(messages) <= 15, cid
            people = {"a": f"{cid}-a", "b": f"{cid}-b"}
            time = START + timedelta(days=n)
            for speaker, minutes, text in messages:
                time += timedelta(minutes=minutes)
                other = "b" if speaker == "a" else "a"
                line = {"conversation": cid, "label": label, "sender": people[speaker], "recipient": people[other],
                        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ"), "text": text}
                for role, who in (("sender", speaker), ("recipient", other)):
                    if f"{who}_age" in facts:
                        line[f"{role}_age"] = facts[f"{who}_age"]
                    if f"{who}_minor" in facts:
                        line[f"{role}_is_minor"] = facts[f"{who}_minor"]
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(C)} conversations -> {out}")

if __name__ == "__main__":
    main()
