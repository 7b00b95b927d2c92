"""Word lists for the demo shop: names, streets and districts of Ribeirão Preto/SP, the catalogue.

Plain data, no logic: ``services.demo`` draws from these with a seeded random generator. Prices
are in cents (the catalogue's fixed prices also let the generator reuse plan computations).
"""

from __future__ import annotations

from typing import Final

CITY: Final = "Ribeirão Preto"
UF: Final = "SP"
DDD: Final = "16"

SHOP_NAME: Final = "Móveis e Confecções Boa Vista Ltda"
# Twelve digits of the CNPJ (root 8 + branch 0001); the check digits are computed by stdnum.
SHOP_CNPJ_BASE: Final = "473812650001"
SHOP_STREET: Final = "Rua Duque de Caxias"
SHOP_NUMBER: Final = "845"
SHOP_DISTRICT: Final = "Centro"
SHOP_CEP: Final = "14015020"
SHOP_PHONE: Final = "1636254180"
SHOP_EMAIL: Final = "contato@boavistamoveis.com.br"
# Pix BR Code fields are ASCII, name ≤ 25 and city ≤ 15 characters (DOMAIN.md).
PIX_MERCHANT_NAME: Final = "MOVEIS BOA VISTA"
PIX_MERCHANT_CITY: Final = "RIBEIRAO PRETO"

FEMALE_NAMES: Final = (
    "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda",
    "Patrícia", "Aline", "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia",
    "Luciana", "Vanessa", "Mariana", "Gabriela", "Vera", "Vitória", "Larissa", "Cláudia",
    "Beatriz", "Rita", "Luana", "Sônia", "Renata", "Eliane", "Conceição", "Lúcia", "Rosângela",
    "Cristiane", "Tânia", "Simone", "Débora", "Raimunda", "Isabela", "Natália", "Fabiana",
    "Valéria", "Célia", "Mônica", "Regina", "Aparecida", "Josefa", "Heloísa", "Lívia", "Taís",
    "Érica", "Cecília", "Solange", "Rosa", "Irene", "Neusa", "Benedita", "Zilda", "Joana",
)  # fmt: skip

MALE_NAMES: Final = (
    "José", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz",
    "Marcos", "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe",
    "Raimundo", "Rodrigo", "Manoel", "Mateus", "André", "Fernando", "Fábio", "Leonardo",
    "Gustavo", "Guilherme", "Leandro", "Tiago", "Anderson", "Ricardo", "Márcio", "Jorge",
    "Sebastião", "Alexandre", "Roberto", "Edson", "Diego", "Vítor", "Sérgio", "Cláudio",
    "Geraldo", "Adriano", "Luciano", "Júlio", "Renato", "Joaquim", "Benedito", "Otávio", "César",
    "Valdir", "Caio", "Vinícius", "Davi", "Heitor", "Moisés", "Inácio", "Natanael", "Wesley",
)  # fmt: skip

# Compound given names are common; they replace the first name.
FEMALE_COMPOUND: Final = (
    "Maria Aparecida", "Maria José", "Ana Paula", "Ana Lúcia", "Maria das Graças",
    "Maria de Lourdes", "Maria Eduarda", "Ana Clara", "Maria Helena", "Maria do Carmo",
)  # fmt: skip
MALE_COMPOUND: Final = (
    "João Pedro", "José Carlos", "Luiz Fernando", "João Vítor", "Carlos Eduardo",
    "José Antônio", "Paulo César", "Antônio Carlos", "Luiz Henrique", "Pedro Henrique",
)  # fmt: skip

# (surname, particle used before it in some families: "da Silva", "dos Santos"…)
SURNAMES: Final = (
    ("Silva", "da"), ("Santos", "dos"), ("Oliveira", "de"), ("Souza", "de"),
    ("Rodrigues", ""), ("Ferreira", ""), ("Alves", ""), ("Pereira", ""), ("Lima", "de"),
    ("Gomes", ""), ("Costa", "da"), ("Ribeiro", ""), ("Martins", ""), ("Carvalho", "de"),
    ("Almeida", "de"), ("Lopes", ""), ("Soares", ""), ("Fernandes", ""), ("Vieira", ""),
    ("Barbosa", ""), ("Rocha", "da"), ("Dias", ""), ("Nascimento", "do"), ("Andrade", "de"),
    ("Moreira", ""), ("Nunes", ""), ("Marques", ""), ("Machado", ""), ("Mendes", ""),
    ("Freitas", "de"), ("Cardoso", ""), ("Ramos", ""), ("Gonçalves", ""), ("Santana", ""),
    ("Teixeira", ""), ("Araújo", "de"), ("Conceição", "da"), ("Magalhães", ""),
    ("Assunção", "da"), ("Simões", ""), ("Brandão", ""), ("Falcão", ""), ("Leão", ""),
    ("Sampaio", ""), ("Guimarães", ""), ("Peixoto", ""), ("Antunes", ""), ("Camargo", ""),
    ("Prado", "do"), ("Batista", ""), ("Moura", "de"), ("Cavalcanti", ""), ("Monteiro", ""),
    ("Pinto", ""), ("Correia", ""), ("Campos", ""), ("Reis", "dos"), ("Miranda", ""),
    ("Borges", ""), ("Azevedo", ""), ("Castro", "de"), ("Cunha", "da"), ("Rezende", ""),
    ("Romão", ""), ("Galvão", ""), ("Aragão", ""), ("Fonseca", "da"), ("Tavares", ""),
    ("Siqueira", ""), ("Queiroz", ""), ("Medeiros", ""), ("Vasconcelos", ""), ("Jesus", "de"),
    ("Brito", ""), ("Paixão", "da"), ("Estêvão", ""), ("Bragança", ""), ("Mourão", ""),
)  # fmt: skip

# Real districts (bairros) of Ribeirão Preto, each with a CEP prefix of the 140xx range.
DISTRICTS: Final = (
    ("Centro", "14010"), ("Centro", "14015"), ("Campos Elíseos", "14080"),
    ("Campos Elíseos", "14085"), ("Vila Tibério", "14050"), ("Ipiranga", "14055"),
    ("Ipiranga", "14060"), ("Sumarezinho", "14055"), ("Jardim Paulista", "14090"),
    ("Jardim Irajá", "14020"), ("Jardim América", "14020"), ("Vila Virgínia", "14030"),
    ("Ribeirânia", "14096"), ("Nova Ribeirânia", "14096"), ("Jardim Sumaré", "14025"),
    ("Alto da Boa Vista", "14025"), ("Jardim Independência", "14076"), ("Vila Seixas", "14020"),
    ("Quintino Facci II", "14070"), ("Jardim Paiva", "14075"), ("Parque Ribeirão Preto", "14031"),
    ("Jardim Castelo Branco", "14090"), ("Planalto Verde", "14056"), ("Jardim Procópio", "14085"),
    ("Lagoinha", "14095"), ("Jardim Mosteiro", "14085"), ("Jardim Presidente Dutra", "14061"),
    ("Jardim Botânico", "14021"), ("Jardim Califórnia", "14026"), ("Monte Alegre", "14051"),
    ("Vila Amélia", "14050"), ("Jardim Anhanguera", "14063"), ("Vila Abranches", "14045"),
    ("Jardim Antártica", "14078"), ("Jardim Salgado Filho", "14079"), ("Vila Recreio", "14060"),
    ("Jardim Manoel Penna", "14098"), ("Jardim Heitor Rigon", "14079"), ("Simioni", "14075"),
)  # fmt: skip

STREETS: Final = (
    "Rua Duque de Caxias", "Rua General Osório", "Rua Álvares Cabral", "Rua São Sebastião",
    "Rua Amador Bueno", "Rua Tibiriçá", "Rua Visconde de Inhaúma", "Rua Mariana Junqueira",
    "Rua Florêncio de Abreu", "Rua Lafaiete", "Rua Garibaldi", "Rua Cerqueira César",
    "Rua Barão do Amazonas", "Rua Marcondes Salgado", "Rua José Bonifácio",
    "Rua Sete de Setembro", "Rua Prudente de Morais", "Rua Rui Barbosa",
    "Rua Bernardino de Campos", "Rua Américo Brasiliense", "Rua Saldanha Marinho", "Rua Minas",
    "Rua Goiás", "Rua Paraíba", "Rua Pernambuco", "Rua Bahia", "Rua Sergipe", "Rua Piauí",
    "Rua Ceará", "Rua Castro Alves", "Rua Camilo de Mattos", "Rua Tamandaré",
    "Rua Henrique Dumont", "Avenida Nove de Julho", "Avenida Independência",
    "Avenida Presidente Vargas", "Avenida Dom Pedro I", "Avenida Caramuru",
    "Avenida Francisco Junqueira", "Avenida Saudade", "Avenida Meira Júnior",
    "Avenida Costábile Romano", "Avenida Thomaz Alberto Whately", "Avenida Jerônimo Gonçalves",
    "Avenida Leais Paulistanos", "Avenida Maurílio Biagi", "Avenida João Fiúsa",
    "Avenida Portugal", "Avenida Itatiaia", "Avenida Senador César Vergueiro",
)  # fmt: skip

COMPLEMENTS: Final = (
    "Casa 2", "Fundos", "Apto 12", "Apto 34", "Apto 101", "Bloco B, apto 23", "Casa 1",
    "Sobrado", "Apto 202", "Bloco C, apto 41",
)  # fmt: skip

# (domain, weight)
EMAIL_DOMAINS: Final = (
    ("gmail.com", 55), ("hotmail.com", 20), ("outlook.com", 8), ("yahoo.com.br", 7),
    ("uol.com.br", 4), ("bol.com.br", 3), ("icloud.com", 3),
)  # fmt: skip

LANDLINE_PREFIXES: Final = ("3610", "3625", "3636", "3877", "3941", "3966", "3235", "3329")

# The catalogue: (description, category, price in cents). Fixed prices, as on a shop's tags.
FURNITURE: Final = "móveis"
CLOTHING: Final = "confecções"
APPLIANCES: Final = "eletro"
BUILDING: Final = "construção"

PRODUCTS: Final = (
    ("Guarda-roupa casal 6 portas", FURNITURE, 129_990),
    ("Guarda-roupa solteiro 3 portas", FURNITURE, 64_990),
    ("Cama box casal com colchão de molas", FURNITURE, 189_900),
    ("Colchão solteiro de espuma D28", FURNITURE, 45_990),
    ("Sofá retrátil e reclinável 3 lugares", FURNITURE, 219_990),
    ("Jogo de sofás 2 e 3 lugares", FURNITURE, 289_900),
    ("Rack com painel para TV até 55\"", FURNITURE, 79_990),
    ("Mesa de jantar com 4 cadeiras", FURNITURE, 114_990),
    ("Mesa de jantar com 6 cadeiras estofadas", FURNITURE, 199_000),
    ("Cômoda 5 gavetas", FURNITURE, 52_990),
    ("Cozinha compacta 6 portas", FURNITURE, 105_990),
    ("Armário aéreo de cozinha 3 portas", FURNITURE, 38_990),
    ("Beliche de madeira com colchões", FURNITURE, 139_000),
    ("Escrivaninha com prateleiras", FURNITURE, 34_990),
    ("Cadeira de escritório giratória", FURNITURE, 42_990),
    ("Berço americano com colchão", FURNITURE, 89_990),
    ("Poltrona do papai reclinável", FURNITURE, 119_000),
    ("Estante para livros 5 prateleiras", FURNITURE, 27_990),
    ("Sapateira 3 portas", FURNITURE, 31_990),
    ("Penteadeira com espelho", FURNITURE, 59_990),
    ("Calça jeans feminina e 2 blusas", CLOTHING, 21_990),
    ("Calça jeans masculina e 2 camisetas", CLOTHING, 19_990),
    ("Jaqueta de couro sintético", CLOTHING, 28_990),
    ("Vestido de festa", CLOTHING, 34_990),
    ("Terno masculino completo", CLOTHING, 69_990),
    ("Uniforme escolar (2 conjuntos)", CLOTHING, 23_990),
    ("Tênis de corrida", CLOTHING, 37_990),
    ("Sapato social masculino", CLOTHING, 25_990),
    ("Sandália e bolsa femininas", CLOTHING, 18_990),
    ("Jogo de cama casal 4 peças e edredom", CLOTHING, 32_990),
    ("Enxoval de bebê (kit 20 peças)", CLOTHING, 44_990),
    ("Moletom com capuz e calça de moletom", CLOTHING, 20_990),
    ("Kit 6 cuecas e 6 pares de meias", CLOTHING, 11_990),
    ("Roupas infantis (kit 5 peças)", CLOTHING, 15_990),
    ("Toalhas de banho (jogo 5 peças)", CLOTHING, 13_990),
    ("Cobertor casal de microfibra", CLOTHING, 16_990),
    ("Blusa de tricô e cachecol", CLOTHING, 14_990),
    ("Camisa social (2 unidades)", CLOTHING, 17_990),
    ("Bermuda jeans e 3 camisetas", CLOTHING, 16_990),
    ("Macacão feminino", CLOTHING, 19_990),
    ("Geladeira frost free 375 L", APPLIANCES, 329_900),
    ("Geladeira 260 L degelo seco", APPLIANCES, 209_990),
    ("Fogão 4 bocas com acendimento automático", APPLIANCES, 89_990),
    ("Fogão 5 bocas de embutir", APPLIANCES, 159_990),
    ("Máquina de lavar 12 kg", APPLIANCES, 239_900),
    ("Tanquinho 10 kg", APPLIANCES, 59_990),
    ("Micro-ondas 30 L", APPLIANCES, 69_990),
    ("Smart TV LED 50\" 4K", APPLIANCES, 259_900),
    ("Smart TV LED 32\"", APPLIANCES, 119_990),
    ("Ventilador de coluna 40 cm", APPLIANCES, 22_990),
    ("Liquidificador 3 L", APPLIANCES, 16_990),
    ("Ar-condicionado split 9.000 BTUs", APPLIANCES, 229_900),
    ("Aspirador de pó 1.400 W", APPLIANCES, 32_990),
    ("Ferro de passar a vapor", APPLIANCES, 11_990),
    ("Fritadeira elétrica sem óleo 4 L", APPLIANCES, 44_990),
    ("Batedeira planetária", APPLIANCES, 39_990),
    ("Purificador de água", APPLIANCES, 64_990),
    ("Notebook 15,6\" 8 GB", APPLIANCES, 319_900),
    ("Celular smartphone 128 GB", APPLIANCES, 149_900),
    ("Freezer horizontal 300 L", APPLIANCES, 279_900),
    ("Lavadora de alta pressão", APPLIANCES, 49_990),
    ("Forno elétrico 44 L", APPLIANCES, 54_990),
    ("Piso cerâmico 45x45 (40 m²)", BUILDING, 119_600),
    ("Porcelanato 60x60 (25 m²)", BUILDING, 174_750),
    ("Cimento CP II 50 kg (20 sacos)", BUILDING, 79_900),
    ("Telha de fibrocimento 2,44 m (30 un.)", BUILDING, 147_000),
    ("Kit banheiro: vaso, pia e metais", BUILDING, 89_990),
    ("Tinta acrílica fosca 18 L (2 latas)", BUILDING, 63_980),
    ("Porta de madeira com batentes e fechadura", BUILDING, 54_990),
    ("Caixa d'água 1.000 L", BUILDING, 46_990),
    ("Chuveiro elétrico e fiação 10 mm", BUILDING, 28_990),
    ("Janela de alumínio 1,20 x 1,00 m", BUILDING, 68_990),
    ("Argamassa AC-II (30 sacos)", BUILDING, 59_700),
    ("Vaso sanitário com caixa acoplada", BUILDING, 45_990),
    ("Pia de cozinha inox 1,20 m com gabinete", BUILDING, 74_990),
    ("Tijolo baiano (1.000 un.)", BUILDING, 89_000),
    ("Torneira e misturador de cozinha", BUILDING, 21_990),
    ("Ferragens e vergalhões para laje", BUILDING, 132_900),
    ("Kit ferramentas: furadeira, serra e maleta", BUILDING, 57_990),
    ("Revestimento de parede 30x60 (15 m²)", BUILDING, 68_400),
    ("Gabinete de banheiro com espelheira", BUILDING, 52_990),
    ("Portão basculante de aço 2,50 x 2,20 m", BUILDING, 239_000),
)  # fmt: skip

# How often each category is sold (clothing is cheap and frequent).
CATEGORY_WEIGHTS: Final = ((CLOTHING, 34), (FURNITURE, 28), (APPLIANCES, 26), (BUILDING, 12))

CUSTOMER_NOTES: Final = (
    "Cliente desde a inauguração da loja.",
    "Prefere contato por WhatsApp depois das 18h.",
    "Trabalha no Hospital das Clínicas; recebe no dia 5.",
    "Mora com a mãe; deixar recado com Dona Cida.",
    "Indicação de cliente antiga da loja.",
    "Recebe aposentadoria no dia 25.",
    "Não ligar no horário de trabalho (comércio no Centro).",
    "Endereço confirmado na última compra.",
    "Pede o carnê sempre impresso.",
    "Costuma pagar no sábado de manhã.",
    "Trabalha na usina; safra de abril a novembro.",
    "Compra para a filha, que também é cliente.",
)  # fmt: skip

DEFAULTER_NOTES: Final = (
    "Ficou desempregado; disse que volta a pagar quando arrumar serviço.",
    "Não atende mais no celular cadastrado.",
    "Mudou de endereço; vizinho informou o bairro novo.",
    "Diz que está com problemas de saúde na família.",
)  # fmt: skip

WRITE_OFF_REASON: Final = (
    "Sem pagamento há mais de 180 dias e cliente não localizado; dívida mantida como perda."
)
WRITE_OFF_NOTE: Final = "Mudou-se da cidade sem deixar endereço; baixa por perda autorizada."

AGREEMENT_NOTES: Final = (
    "Acordo feito no balcão; cliente comprometeu-se a pagar no dia combinado.",
    "Renegociação após contato por telefone; desconto nos juros autorizado pela dona.",
    "Cliente pediu parcelas menores; termo assinado com duas testemunhas.",
)  # fmt: skip

PAUSE_REASON: Final = "Produto com defeito em análise na assistência técnica."

OVERRIDE_REASON: Final = "Venda acima do limite de crédito aprovada pela dona."

# (root cause, note) heard when the customer answers a collection contact.
ROOT_CAUSE_NOTES: Final = (
    ("forgot", "Disse que esqueceu o vencimento; passa na loja esta semana."),
    ("forgot", "Achava que já tinha pago; vai conferir os comprovantes."),
    ("unemployment", "Está desempregado; pediu um prazo para pagar."),
    ("unemployment", "Perdeu o serviço na obra; procurando trabalho."),
    ("health", "Problema de saúde na família; pediu para aguardar o salário."),
    ("other", "Salário atrasou este mês; pagará quando receber."),
    ("other", "Viajou a trabalho; volta na semana que vem."),
)  # fmt: skip

BUREAU_NOTICE_NOTE: Final = (
    "Notificação prévia de inclusão em cadastro de inadimplentes (CDC art. 43 §2)."
)

PAYMENT_NOTES: Final = (
    "Pago pela filha.",
    "Pago pelo marido.",
    "Cliente pediu comprovante impresso.",
)  # fmt: skip

REVERSAL_REASON: Final = "Forma de pagamento lançada errada; recebimento lançado de novo."

CASH_DIFFERENCE_NOTE: Final = "Diferença no fechamento conferida pela dona."
